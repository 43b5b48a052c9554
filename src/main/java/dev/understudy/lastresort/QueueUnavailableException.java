package dev.understudy.lastresort;

import io.smallrye.mutiny.Uni;

/** The durable queue store cannot be reached right now (Redis slow, down, or its breaker open). */
public final class QueueUnavailableException extends RuntimeException {

    QueueUnavailableException() {
        super("the queue store is not reachable right now", null, false, false); // expected: no stack trace
    }

    static <T> Uni<T> fail() {
        return Uni.createFrom().failure(new QueueUnavailableException());
    }
}
