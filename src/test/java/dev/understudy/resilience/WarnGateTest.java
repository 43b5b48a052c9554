package dev.understudy.resilience;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WarnGateTest {

    @Test
    void letsTheFirstWarningThroughAndHoldsTheNextOnesForTheInterval() {
        WarnGate gate = new WarnGate(Duration.ofHours(1));
        assertTrue(gate.open());
        assertFalse(gate.open());
        assertFalse(gate.open());
    }

    @Test
    void aZeroIntervalLetsEveryWarningThrough() {
        WarnGate gate = new WarnGate(Duration.ZERO);
        assertTrue(gate.open());
        assertTrue(gate.open());
    }
}
