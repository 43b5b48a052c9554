package dev.understudy.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.smallrye.mutiny.Uni;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CostLedgerTest {

    private final AtomicLong now = new AtomicLong(86_400_000L * 20_000 + 3_600_000);
    private final CostLedger ledger = new CostLedger(now::get, 1.0);

    @Test
    void goesOverBudgetWithinADayAndStartsAfreshTheNextUtcDay() {
        ledger.record(0.6, 2.0);
        assertThat(ledger.overBudget()).isFalse();
        ledger.record(0.5, 2.0);
        assertThat(ledger.overBudget()).isTrue();
        now.addAndGet(86_400_000L);
        assertThat(ledger.overBudget()).isFalse();
        assertThat(ledger.today()).isZero();
        assertThat(ledger.actual()).isCloseTo(1.1, within(1e-9));
        assertThat(ledger.onTopTarget()).isCloseTo(4.0, within(1e-9));
        assertThat(ledger.answers()).isEqualTo(2);
    }

    @Test
    void aRouteWithoutABudgetIsNeverOverIt() {
        CostLedger free = new CostLedger(now::get, null);
        free.record(1_000, 1_000);
        assertThat(free.overBudget()).isFalse();
    }

    @Test
    void twoReplicasSharingACounterSpendOneBudget() {
        DayCounter redis = new DayCounter();
        CostLedger a = new CostLedger(now::get, 1.0);
        CostLedger b = new CostLedger(now::get, 1.0);
        a.share(redis);
        b.share(redis);
        a.record(0.6, 0.6);
        b.record(0.5, 0.5);
        assertThat(b.overBudget()).as("B counts A's spend too").isTrue();
        a.sync();
        assertThat(a.overBudget()).as("A sees B's spend once it reads the total again").isTrue();
        assertThat(a.actual()).as("what this replica's own answers cost").isCloseTo(0.6, within(1e-9));
        assertThat(redis.total()).isCloseTo(1.1, within(1e-9));
    }

    @Test
    void whileTheCounterIsDownAReplicaCountsItsOwnSpendOnTopOfTheLastTotalAndAddsItLater() {
        DayCounter redis = new DayCounter();
        CostLedger a = new CostLedger(now::get, 1.0);
        CostLedger b = new CostLedger(now::get, 1.0);
        a.share(redis);
        b.share(redis);
        b.record(0.5, 0.5);
        a.sync();
        redis.down = true;
        a.record(0.3, 0.3);
        assertThat(a.today()).as("the last known total plus its own spend since").isCloseTo(0.8, within(1e-9));
        a.record(0.3, 0.3);
        assertThat(a.overBudget()).isTrue();
        redis.down = false;
        now.addAndGet(1_000);
        a.sync();
        assertThat(redis.total()).as("what could not be added is added once Redis answers").isCloseTo(1.1,
                within(1e-9));
    }

    /** A per-day counter in memory, standing in for Redis' INCRBYFLOAT; answers at once, or fails while down. */
    private static final class DayCounter implements CostLedger.Shared {
        private final Map<Long, Double> days = new HashMap<>();
        private long lastDay;
        volatile boolean down;

        @Override
        public synchronized Uni<Double> add(long day, double usd) {
            if (down) {
                return Uni.createFrom().failure(new IllegalStateException("down"));
            }
            lastDay = day;
            return Uni.createFrom().item(days.merge(day, usd, Double::sum));
        }

        @Override
        public synchronized Uni<Double> read(long day) {
            if (down) {
                return Uni.createFrom().failure(new IllegalStateException("down"));
            }
            return Uni.createFrom().item(days.getOrDefault(day, 0.0));
        }

        synchronized double total() {
            return days.getOrDefault(lastDay, 0.0);
        }
    }
}
