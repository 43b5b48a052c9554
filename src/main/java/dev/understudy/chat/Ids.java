package dev.understudy.chat;

import java.util.concurrent.ThreadLocalRandom;

/** Response ids. Not secrets, so no SecureRandom (which is synchronized) on the hot path. */
public final class Ids {

    private Ids() {
    }

    public static String completionId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "chatcmpl-" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong()
                | Long.MIN_VALUE);
    }
}
