package dev.understudy.provider;

import dev.understudy.chat.ChatChunk;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Stream events that could not be parsed: skipped, never fatal, and counted (for metrics). */
public final class MalformedEvents {

    private final AtomicLong count = new AtomicLong();

    /** Runs one event's decoding; a {@link Failure#MALFORMED} event yields nothing and is counted. */
    public List<ChatChunk> decode(Supplier<List<ChatChunk>> decoding) {
        try {
            return decoding.get();
        } catch (ProviderException e) {
            if (e.failure() == Failure.MALFORMED) {
                count.incrementAndGet();
                return List.of();
            }
            throw e;
        }
    }

    /** Counts one skipped event found below the decoder (e.g. a frame whose checksum failed). */
    public void count() {
        count.incrementAndGet();
    }

    public long total() {
        return count.get();
    }
}
