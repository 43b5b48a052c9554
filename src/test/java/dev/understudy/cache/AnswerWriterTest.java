package dev.understudy.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The request path only queues answers; one thread writes them, in order, and a full queue drops the newest. */
class AnswerWriterTest {

    @Test
    void writesEveryAnswerInTheOrderTheyCame() throws Exception {
        List<Integer> written = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(100);
        AnswerWriter<Integer> writer = new AnswerWriter<>(i -> {
            written.add(i); // only the writer thread calls this
            all.countDown();
        }, () -> { });
        for (int i = 0; i < 100; i++) {
            writer.add(i);
        }
        assertTrue(all.await(10, TimeUnit.SECONDS));
        assertEquals(java.util.stream.IntStream.range(0, 100).boxed().toList(), written);
        assertEquals(0, writer.waiting());
    }

    @Test
    void dropsTheNewestAnswersWhileTheQueueIsFullAndNeverBlocksTheCaller() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(AnswerWriter.LIMIT + 1);
        AtomicInteger dropped = new AtomicInteger();
        AnswerWriter<Integer> writer = new AnswerWriter<>(i -> {
            if (i == -1) {
                writing.countDown();
                await(release); // the writer is stuck on a slow store
            }
            written.countDown();
        }, dropped::incrementAndGet);
        writer.add(-1);
        assertTrue(writing.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < AnswerWriter.LIMIT + 25; i++) {
            writer.add(i);
        }
        assertEquals(25, dropped.get());
        assertEquals(AnswerWriter.LIMIT, writer.waiting());
        release.countDown();
        assertTrue(written.await(10, TimeUnit.SECONDS)); // the first and every one that fitted
        assertEquals(0, writer.waiting());
    }

    @Test
    void clearingDropsTheAnswersStillWaiting() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger written = new AtomicInteger();
        AnswerWriter<Integer> writer = new AnswerWriter<>(i -> {
            if (i == -1) {
                writing.countDown();
                await(release);
            }
            written.incrementAndGet();
        }, () -> { });
        writer.add(-1);
        assertTrue(writing.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 10; i++) {
            writer.add(i);
        }
        var cleared = writer.discardThen(() -> { });
        assertEquals(0, writer.waiting());
        release.countDown();
        cleared.get(10, TimeUnit.SECONDS);
        assertEquals(1, written.get()); // the one being written finished; the ten waiting never were
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
