package dev.understudy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryCacheStoreTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final MemoryCacheStore store = new MemoryCacheStore(now::get);

    @Test
    void aBackfilledVectorKeepsTheEntrysExpiryAndPlaceInTheAgeOrder() {
        store.put(answer("old"), Duration.ofSeconds(10), 2).await().indefinitely();
        store.put(answer("new"), Duration.ofSeconds(10), 2).await().indefinitely();
        now.addAndGet(5_000);

        assertThat(store.attachVector(answer("old").withVector(new float[] {1, 0})).await().indefinitely()).isTrue();
        assertThat(store.get("old").await().indefinitely().vector()).containsExactly(1, 0);

        store.put(answer("newest"), Duration.ofSeconds(10), 2).await().indefinitely();
        assertThat(store.get("old").await().indefinitely()).as("still the oldest: evicted first").isNull();
        now.addAndGet(5_000);
        assertThat(store.get("new").await().indefinitely()).as("expired as stored, 10 s after").isNull();
    }

    @Test
    void aVectorIsNeverAttachedToAnEntryThatIsGone() {
        store.put(answer("gone"), Duration.ofSeconds(1), 10).await().indefinitely();
        now.addAndGet(1_000);
        assertThat(store.attachVector(answer("gone").withVector(new float[] {1})).await().indefinitely()).isFalse();
        assertThat(store.attachVector(answer("never").withVector(new float[] {1})).await().indefinitely()).isFalse();
        assertThat(store.get("never").await().indefinitely()).isNull();
    }

    @Test
    void sweepingReturnsTheExpiredKeysOnceAndKeepsTheLiveOnes() {
        store.put(answer("short"), Duration.ofSeconds(1), 10).await().indefinitely();
        store.put(answer("long"), Duration.ofSeconds(60), 10).await().indefinitely();
        now.addAndGet(2_000);
        assertThat(store.sweepOlderThan(now.get() - 1_000).await().indefinitely()).containsExactly("short");
        assertThat(store.sweepOlderThan(now.get() - 1_000).await().indefinitely()).isEmpty();
        assertThat(store.all().collect().asList().await().indefinitely()).extracting(CachedAnswer::key)
                .isEqualTo(List.of("long"));
    }

    private CachedAnswer answer(String key) {
        return new CachedAnswer(key, "scope", "question " + key, null, "p", "m", "answer " + key, null, "stop", null,
                now.get());
    }
}
