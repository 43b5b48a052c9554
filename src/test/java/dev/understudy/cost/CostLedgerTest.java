package dev.understudy.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
}
