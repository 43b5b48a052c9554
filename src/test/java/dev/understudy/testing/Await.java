package dev.understudy.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The one bounded wait of the tests, for what no fake clock can drive: another process starting (a gateway,
 * redis-server), a signal crossing Redis, a connection being let go. Polls a condition until it holds or
 * the limit passes; the caller says what a miss means.
 */
public final class Await {

    private Await() {
    }

    /** Polls {@code condition} every {@code every}: true as soon as it holds, false once {@code limit} passed. */
    public static boolean within(Duration limit, Duration every, BooleanSupplier condition) {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            LockSupport.parkNanos(every.toNanos());
        }
        return true;
    }
}
