package dev.understudy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.resilience.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The breaker's state machine, driven by a hand-moved clock: no test here waits for real time. */
class CircuitBreakerTest {

    private final ManualTicker clock = new ManualTicker();
    private final CircuitBreaker breaker = new CircuitBreaker(clock, 3, Duration.ofSeconds(10),
            Duration.ofSeconds(60));

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onFailure();
        }
    }

    @Test
    void opensAfterTheThresholdOfConsecutiveFailuresAndThenRefusesCalls() {
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        fail(1);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.available()).isFalse();
    }

    @Test
    void aSuccessInBetweenResetsTheCount() {
        fail(2);
        breaker.tryAcquire();
        breaker.onSuccess();
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void letsExactlyOneTrialThroughOnceTheDelayHasPassed() {
        fail(3);
        clock.advance(Duration.ofSeconds(9));
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.available()).isTrue();
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isFalse(); // one trial at a time
    }

    @Test
    void closesWhenTheTrialSucceeds() {
        fail(3);
        clock.advance(Duration.ofSeconds(10));
        breaker.tryAcquire();
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.delay()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void reopensWithADoubledDelayWhenTheTrialFailsUpToTheMaximum() {
        fail(3);
        long[] expected = {20, 40, 60, 60};
        for (long seconds : expected) {
            clock.advance(breaker.delay());
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onFailure();
            assertThat(breaker.state()).isEqualTo(State.OPEN);
            assertThat(breaker.delay()).isEqualTo(Duration.ofSeconds(seconds));
            clock.advance(Duration.ofSeconds(seconds).minusMillis(1));
            assertThat(breaker.tryAcquire()).isFalse();
            clock.advance(Duration.ofMillis(1));
            clock.advance(Duration.ofSeconds(-seconds)); // rewind: the loop advances by delay() again
        }
    }

    @Test
    void aNeutralOutcomeFreesTheTrialSlotWithoutDeciding() {
        fail(3);
        clock.advance(Duration.ofSeconds(10));
        breaker.tryAcquire();
        breaker.onNeutral();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void canBeOpenedFromOutsideForAGivenTime() {
        breaker.forceOpen(Duration.ofSeconds(5));
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void reportsEveryStateChange() {
        List<State> seen = new ArrayList<>();
        breaker.addListener((b, fromPeer) -> seen.add(b.state()));
        fail(3);
        clock.advance(Duration.ofSeconds(10));
        breaker.tryAcquire();
        breaker.onSuccess();
        assertThat(seen).containsExactly(State.OPEN, State.HALF_OPEN, State.CLOSED);
    }
}
