package dev.understudy.resilience;

import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Everything one target's own attempts (and probes) have taught us: its circuit breaker, a Retry-After
 * cooldown, latency (EWMA and p95 over the last {@value #WINDOW} answers), an error count that decays
 * with a one-minute time constant, whether our configuration for it looks wrong (401/403/404), when it
 * was last used and last probed. Read on every request, so reads take no lock.
 */
public final class TargetHealth {

    private static final int WINDOW = 128;
    private static final double EWMA_WEIGHT = 0.2;
    private static final double ERROR_DECAY_NANOS = Duration.ofMinutes(1).toNanos();

    private final Ticker ticker;
    private final CircuitBreaker breaker;
    private volatile long cooldownUntil;
    private volatile boolean misconfigured;
    private volatile String lastError;
    private volatile long lastUsed;
    private volatile double ewmaMillis = Double.NaN;
    private final long[] latencies = new long[WINDOW];
    private int latencyCount;
    private double errors;
    private long errorsAt;
    private volatile Probe lastProbe;
    private final List<Consumer<Duration>> cooldownListeners = new CopyOnWriteArrayList<>();

    /** The outcome of the last active probe. */
    public record Probe(long atEpochMillis, boolean ok, long latencyMs, String error) {
    }

    public TargetHealth(Ticker ticker, CircuitBreaker breaker) {
        this.ticker = ticker;
        this.breaker = breaker;
        this.cooldownUntil = ticker.nanos();
        this.lastUsed = ticker.nanos();
        this.errorsAt = ticker.nanos();
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Could a request call it now (no side effect)? */
    public boolean available() {
        return !coolingDown() && breaker.available() && !misconfigured;
    }

    /** Closed breaker, not misconfigured, and fewer than a handful of recent errors. */
    public boolean healthy() {
        return breaker.state() == CircuitBreaker.State.CLOSED && !misconfigured && errors() < 3;
    }

    public boolean coolingDown() {
        return ticker.nanos() - cooldownUntil < 0;
    }

    /** Time left in the cooldown, zero when none. */
    public Duration cooldownLeft() {
        long left = cooldownUntil - ticker.nanos();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /** Told when this replica starts a Retry-After cooldown (not when a peer's signal does). */
    public void addCooldownListener(Consumer<Duration> listener) {
        cooldownListeners.add(listener);
    }

    /** Cool down until at least {@code d} from now (a Retry-After, here or on a peer replica). */
    public void coolDown(Duration d) {
        long until = ticker.nanos() + d.toNanos();
        if (until - cooldownUntil > 0) {
            cooldownUntil = until;
        }
    }

    public void onSuccess(long latencyNanos) {
        lastUsed = ticker.nanos();
        misconfigured = false;
        recordLatency(latencyNanos);
        breaker.onSuccess();
    }

    /** Records a failed attempt; says whether it counted against the target (vs. the caller's fault). */
    public boolean onFailure(ProviderException e) {
        lastUsed = ticker.nanos();
        Failure f = e.failure();
        if (f == Failure.BAD_REQUEST || f == Failure.CONTENT_POLICY || f == Failure.CONTEXT_LENGTH) {
            breaker.onNeutral(); // the request was the problem, not the target
            return false;
        }
        lastError = e.getMessage();
        addError();
        if (f == Failure.RATE_LIMITED) {
            if (e.retryAfter() != null && !e.retryAfter().isZero()) {
                coolDown(e.retryAfter());
                for (Consumer<Duration> l : cooldownListeners) {
                    l.accept(e.retryAfter());
                }
            }
            breaker.onNeutral(); // a rate limit is not an outage: the cooldown handles it
            return true;
        }
        if (f == Failure.MISCONFIGURED) {
            misconfigured = true;
        }
        breaker.onFailure();
        return true;
    }

    public void onProbe(boolean ok, long latencyNanos, String error) {
        lastProbe = new Probe(System.currentTimeMillis(), ok, latencyNanos / 1_000_000, error);
        if (ok) {
            misconfigured = false;
        } else {
            lastError = error;
        }
    }

    public Probe lastProbe() {
        return lastProbe;
    }

    /** No request used this target for at least {@code d}. */
    public boolean idleFor(Duration d) {
        return ticker.nanos() - lastUsed >= d.toNanos();
    }

    public boolean misconfigured() {
        return misconfigured;
    }

    public String lastError() {
        return lastError;
    }

    /** EWMA of answer latency in ms; NaN before the first answer. */
    public double ewmaMillis() {
        return ewmaMillis;
    }

    /** 95th percentile of the last answers' latency in ms; NaN before the first answer. */
    public synchronized double p95Millis() {
        int n = Math.min(latencyCount, WINDOW);
        if (n == 0) {
            return Double.NaN;
        }
        long[] sorted = java.util.Arrays.copyOf(latencies, n);
        java.util.Arrays.sort(sorted);
        return sorted[Math.min(n - 1, (int) Math.ceil(0.95 * n) - 1)] / 1e6;
    }

    /** Errors, decayed: each weighs e^(-age/1 min). */
    public synchronized double errors() {
        decay();
        return errors;
    }

    /** Back to a fresh state (operator reset). */
    public synchronized void reset() {
        breaker.reset();
        cooldownUntil = ticker.nanos();
        misconfigured = false;
        lastError = null;
        errors = 0;
        latencyCount = 0;
        ewmaMillis = Double.NaN;
    }

    private synchronized void recordLatency(long nanos) {
        latencies[latencyCount++ % WINDOW] = nanos;
        if (latencyCount >= 2 * WINDOW) {
            latencyCount -= WINDOW; // keep the index bounded, the window full
        }
        double ms = nanos / 1e6;
        ewmaMillis = Double.isNaN(ewmaMillis) ? ms : ewmaMillis + EWMA_WEIGHT * (ms - ewmaMillis);
    }

    private synchronized void addError() {
        decay();
        errors += 1;
    }

    private void decay() {
        long now = ticker.nanos();
        errors *= Math.exp(-(now - errorsAt) / ERROR_DECAY_NANOS);
        errorsAt = now;
    }
}
