package dev.understudy.resilience;

/** Monotonic time in nanoseconds. Injectable so that tests can drive breakers and cooldowns by hand. */
@FunctionalInterface
public interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
