package dev.understudy.cost;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * One route's spend: what its answers cost, what they would have cost on the route's top target, and
 * today's spend (UTC day) against its daily budget. In process and lock-free on the request path (only a day
 * change takes the lock). When {@link #share shared}, today's spend is the deployment's: each answer's cost is
 * added to a counter every replica adds to, whose total comes back with the reply (and is re-read at most
 * every second while this replica answers nothing); what could not be added yet (Redis down) is kept and
 * counted on top of the last known total, then added once Redis answers again.
 */
public final class CostLedger {

    private static final long DAY_MILLIS = 86_400_000L;
    private static final long REREAD_MILLIS = 1_000;

    /** A deployment-wide per-day counter; both calls return the day's total. */
    public interface Shared {
        Uni<Double> add(long day, double usd);

        Uni<Double> read(long day);
    }

    private final LongSupplier clockMillis;
    private final Double dailyBudget;
    private final DoubleAdder actual = new DoubleAdder();
    private final DoubleAdder onTop = new DoubleAdder();
    private final LongAdder answers = new LongAdder();
    private final DoubleAdder today = new DoubleAdder();
    private volatile long day;

    private volatile Shared shared;
    /** Spent here today and not yet in the shared total. */
    private final DoubleAdder unsynced = new DoubleAdder();
    private volatile double sending;
    private volatile double sharedTotal;
    private volatile long sharedDay = -1;
    private volatile long sharedAtMillis;
    private final AtomicBoolean adding = new AtomicBoolean();
    private final AtomicBoolean reading = new AtomicBoolean();

    public CostLedger(LongSupplier clockMillis, Double dailyBudget) {
        this.clockMillis = clockMillis;
        this.dailyBudget = dailyBudget;
        this.day = clockMillis.getAsLong() / DAY_MILLIS;
    }

    /** Counts today's spend in {@code counter} from now on, together with every other replica. */
    public void share(Shared counter) {
        this.shared = counter;
    }

    public void record(double cost, double costOnTopTarget) {
        actual.add(cost);
        onTop.add(costOnTopTarget);
        answers.increment();
        rollOver();
        today.add(cost);
        if (shared != null && cost > 0) {
            unsynced.add(cost);
            flush();
        }
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

    /** Today's spend: the deployment's when shared (as last known, plus what is not in it yet), else this replica's. */
    public double today() {
        rollOver();
        double local = today.sum();
        if (shared == null) {
            return local;
        }
        if (clockMillis.getAsLong() - sharedAtMillis >= REREAD_MILLIS) {
            refresh();
        }
        return sharedDay == day ? Math.max(local, sharedTotal + unsynced.sum() + sending) : local;
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

    /** Adds what this replica spent to the shared total; one addition in flight at a time. */
    private void flush() {
        if (!adding.compareAndSet(false, true)) {
            return; // the one in flight flushes again when it is back
        }
        long d = day;
        double amount = unsynced.sumThenReset();
        sending = amount;
        shared.add(d, amount).subscribe().with(total -> {
            sending = 0;
            learned(d, total);
            adding.set(false);
            if (unsynced.sum() > 0) {
                flush();
            }
        }, e -> {
            sending = 0;
            if (d == day) {
                unsynced.add(amount); // counted here meanwhile; added once Redis answers
            }
            adding.set(false);
        });
    }

    /** Re-reads the shared total now (at most one read in flight); a no-op when not shared. */
    public void sync() {
        if (shared != null) {
            refresh();
        }
    }

    private void refresh() {
        if (!reading.compareAndSet(false, true)) {
            return;
        }
        sharedAtMillis = clockMillis.getAsLong(); // also after a failure: at most one read a second
        long d = day;
        if (unsynced.sum() > 0 && !adding.get()) {
            reading.set(false);
            flush(); // what could not be added before (Redis was down): its reply carries the total
            return;
        }
        shared.read(d).subscribe().with(total -> {
            learned(d, total);
            reading.set(false);
        }, e -> reading.set(false));
    }

    private void learned(long d, double total) {
        if (d == day) {
            sharedTotal = total;
            sharedDay = d;
            sharedAtMillis = clockMillis.getAsLong();
        }
    }

    private void rollOver() {
        long now = clockMillis.getAsLong() / DAY_MILLIS;
        if (now != day) {
            synchronized (this) {
                if (now != day) {
                    today.reset();
                    unsynced.reset();
                    day = now;
                }
            }
        }
    }
}
