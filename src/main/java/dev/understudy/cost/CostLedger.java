package dev.understudy.cost;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * One route's spend: what its answers cost, what they would have cost on the route's top target, and
 * today's spend (UTC day) against its daily budget. In process, per replica; lock-free on the request path
 * (only a day change takes the lock).
 */
public final class CostLedger {

    private static final long DAY_MILLIS = 86_400_000L;

    private final LongSupplier clockMillis;
    private final Double dailyBudget;
    private final DoubleAdder actual = new DoubleAdder();
    private final DoubleAdder onTop = new DoubleAdder();
    private final LongAdder answers = new LongAdder();
    private final DoubleAdder today = new DoubleAdder();
    private volatile long day;

    public CostLedger(LongSupplier clockMillis, Double dailyBudget) {
        this.clockMillis = clockMillis;
        this.dailyBudget = dailyBudget;
        this.day = clockMillis.getAsLong() / DAY_MILLIS;
    }

    public void record(double cost, double costOnTopTarget) {
        actual.add(cost);
        onTop.add(costOnTopTarget);
        answers.increment();
        rollOver();
        today.add(cost);
    }

    /** A trial's or idle check's cost: real spend (today's budget, the total), but not an answer. */
    public void recordProbe(double cost) {
        actual.add(cost);
        rollOver();
        today.add(cost);
    }

    public boolean overBudget() {
        return dailyBudget != null && today() >= dailyBudget;
    }

    public double today() {
        rollOver();
        return today.sum();
    }

    public Double dailyBudget() {
        return dailyBudget;
    }

    public double actual() {
        return actual.sum();
    }

    public double onTopTarget() {
        return onTop.sum();
    }

    public long answers() {
        return answers.sum();
    }

    private void rollOver() {
        long now = clockMillis.getAsLong() / DAY_MILLIS;
        if (now != day) {
            synchronized (this) {
                if (now != day) {
                    today.reset();
                    day = now;
                }
            }
        }
    }
}
