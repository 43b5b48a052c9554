package dev.understudy.cost;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * One route's spend: what its answers cost, what they would have cost on the route's top target, and
 * today's spend (UTC) against its daily budget. In process, per replica.
 */
public final class CostLedger {

    private final Clock clock;
    private final Double dailyBudget;
    private final DoubleAdder actual = new DoubleAdder();
    private final DoubleAdder onTop = new DoubleAdder();
    private final LongAdder answers = new LongAdder();
    private LocalDate day;
    private double today;

    public CostLedger(Clock clock, Double dailyBudget) {
        this.clock = clock;
        this.dailyBudget = dailyBudget;
        this.day = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    public void record(double cost, double costOnTopTarget) {
        actual.add(cost);
        onTop.add(costOnTopTarget);
        answers.increment();
        synchronized (this) {
            rollOver();
            today += cost;
        }
    }

    public synchronized boolean overBudget() {
        rollOver();
        return dailyBudget != null && today >= dailyBudget;
    }

    public synchronized double today() {
        rollOver();
        return today;
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
        LocalDate now = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        if (!now.equals(day)) {
            day = now;
            today = 0;
        }
    }
}
