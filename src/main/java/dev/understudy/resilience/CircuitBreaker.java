package dev.understudy.resilience;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One target's circuit breaker: a small state machine with time from an injected {@link Ticker}.
 *
 * <pre>
 * CLOSED ──failure-threshold consecutive failures──▶ OPEN
 * OPEN ──delay elapsed, one trial let through──▶ HALF_OPEN
 * HALF_OPEN ──trial succeeds──▶ CLOSED (delay back to its base)
 * HALF_OPEN ──trial fails──▶ OPEN, delay doubled (up to max-delay)
 * </pre>
 *
 * Why not SmallRye Fault Tolerance's breaker: its delay is fixed (no doubling per failed probe), it
 * cannot be opened from outside (a peer replica's signal), and it reads the system clock, so tests
 * would have to sleep. The semantics asked for here need all three.
 */
public final class CircuitBreaker {

    public enum State {
        CLOSED("closed", 0), HALF_OPEN("half_open", 1), OPEN("open", 2);

        private final String label;
        private final int gauge;

        State(String label, int gauge) {
            this.label = label;
            this.gauge = gauge;
        }

        /** As shown in {@code /admin/status}. */
        public String label() {
            return label;
        }

        /** The {@code understudy_circuit_state} value: 0 closed, 1 half-open, 2 open. */
        public int gauge() {
            return gauge;
        }
    }

    private final Ticker ticker;
    private final int threshold;
    private final long baseDelay;
    private final long maxDelay;
    /** Told of every state change; {@code fromPeer} when another replica's signal caused it. */
    @FunctionalInterface
    public interface Listener {
        void changed(CircuitBreaker breaker, boolean fromPeer);
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long delay;
    private long openedAt;
    private boolean trialInFlight;

    public CircuitBreaker(Ticker ticker, int failureThreshold, Duration delay, Duration maxDelay) {
        this.ticker = ticker;
        this.threshold = Math.max(1, failureThreshold);
        this.baseDelay = delay.toNanos();
        this.maxDelay = Math.max(maxDelay.toNanos(), baseDelay);
        this.delay = baseDelay;
    }

    /** Called after every state change, outside the breaker's lock: keep it quick and non-blocking. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * May a call go through now? While open, no; once the delay has passed, exactly one trial is let
     * through (the breaker is then half-open) until its outcome is recorded.
     */
    public boolean tryAcquire() {
        State before;
        synchronized (this) {
            before = state;
            switch (state) {
                case CLOSED:
                    return true;
                case OPEN:
                    if (ticker.nanos() - openedAt < delay) {
                        return false;
                    }
                    state = State.HALF_OPEN;
                    trialInFlight = true;
                    break;
                default: // HALF_OPEN
                    if (trialInFlight) {
                        return false;
                    }
                    trialInFlight = true;
                    return true;
            }
        }
        notifyChange(before);
        return true;
    }

    /** Would a call go through now, without taking the trial slot (for status and readiness)? */
    public synchronized boolean available() {
        return switch (state) {
            case CLOSED -> true;
            case OPEN -> ticker.nanos() - openedAt >= delay;
            case HALF_OPEN -> !trialInFlight;
        };
    }

    public void onSuccess() {
        State before;
        synchronized (this) {
            before = state;
            consecutiveFailures = 0;
            trialInFlight = false;
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            delay = baseDelay;
        }
        notifyChange(before);
    }

    public void onFailure() {
        State before;
        synchronized (this) {
            before = state;
            trialInFlight = false;
            consecutiveFailures++;
            if (state == State.HALF_OPEN) {
                delay = Math.min(delay * 2, maxDelay);
                open();
            } else if (state == State.CLOSED && consecutiveFailures >= threshold) {
                open();
            } else {
                return;
            }
        }
        notifyChange(before);
    }

    /** A call that was let through ended without telling us anything about the target (e.g. a 400). */
    public synchronized void onNeutral() {
        trialInFlight = false;
    }

    /** Another replica saw this target fail: open for {@code remaining} without a call of our own. */
    public void forceOpen(Duration remaining) {
        State before;
        synchronized (this) {
            before = state;
            if (state == State.OPEN && openedAt + delay - ticker.nanos() >= remaining.toNanos()) {
                return; // already open at least that long
            }
            state = State.OPEN;
            trialInFlight = false;
            openedAt = ticker.nanos();
            delay = Math.min(Math.max(remaining.toNanos(), 0), maxDelay);
        }
        if (before != State.OPEN) {
            notifyChange(before, true);
        }
    }

    /** Back to closed with the base delay (operator reset). */
    public void reset() {
        State before;
        synchronized (this) {
            before = state;
            state = State.CLOSED;
            consecutiveFailures = 0;
            trialInFlight = false;
            delay = baseDelay;
        }
        if (before != State.CLOSED) {
            notifyChange(before);
        }
    }

    public synchronized State state() {
        return state;
    }

    /** The current open delay (doubles with each failed trial). */
    public synchronized Duration delay() {
        return Duration.ofNanos(delay);
    }

    /** Time until an open breaker lets a trial through; zero when not open. */
    public synchronized Duration openFor() {
        if (state != State.OPEN) {
            return Duration.ZERO;
        }
        long left = openedAt + delay - ticker.nanos();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    private void open() {
        state = State.OPEN;
        openedAt = ticker.nanos();
    }

    private void notifyChange(State before) {
        notifyChange(before, false);
    }

    private void notifyChange(State before, boolean fromPeer) {
        if (before != state()) {
            for (Listener l : listeners) {
                l.changed(this, fromPeer);
            }
        }
    }
}
