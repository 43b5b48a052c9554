package dev.understudy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.Await;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The embedding model's load never stands in anyone's way: nothing loads until the gateway listens, the
 * lookup answers "off, still loading" meanwhile, and a stop before the load began does not wait for it.
 * The loader here is a stand-in held on a latch, so the "still loading" window is as long as the test wants.
 */
class SimilarAnswersFactoryTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    @Test
    void loadsNothingUntilTheGatewayListens() {
        AtomicInteger loads = new AtomicInteger();
        SimilarAnswers similar = SimilarAnswersFactory.create(() -> {
            loads.incrementAndGet();
            return SimilarAnswers.off("stand-in");
        }, () -> {
        });

        assertThat(loads).hasValue(0);
        assertThat(similar.available()).isFalse();
        assertThat(similar.description()).isEqualTo("the embedding model is still loading");

        SimilarAnswersFactory.begin(similar);
        SimilarAnswersFactory.begin(similar); // a second server-start event loads nothing more
        SimilarAnswersFactory.awaitLoad(similar, LIMIT);
        assertThat(loads).hasValue(1);
        assertThat(similar.description()).isEqualTo("stand-in");
    }

    @Test
    void answersOffWhileTheModelLoadsAndOnOnceItHasLoaded() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch indexed = new CountDownLatch(1);
        SimilarAnswers loaded = new LocalStandIn();
        SimilarAnswers similar = SimilarAnswersFactory.create(() -> {
            await(release);
            return loaded;
        }, indexed::countDown);

        SimilarAnswersFactory.begin(similar);
        assertThat(similar.available()).as("still loading").isFalse();
        assertThat(similar.embed("hello")).isNull();
        assertThat(similar.nearest("r", "hello", new float[] {1}, 0.0)).isEmpty();

        release.countDown();
        assertThat(Await.within(LIMIT, Duration.ofMillis(5), similar::available)).isTrue();
        assertThat(indexed.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).as("stored answers re-indexed").isTrue();
        assertThat(similar.embed("hello")).containsExactly(1f);
    }

    @Test
    void aStopBeforeTheLoadBeganDoesNotWaitForIt() {
        SimilarAnswers similar = SimilarAnswersFactory.create(() -> {
            throw new AssertionError("must not load");
        }, () -> {
        });
        long t0 = System.nanoTime();
        SimilarAnswersFactory.awaitLoad(similar, LIMIT);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aModelThatFailsToLoadLeavesTheLookupOffAndSaysWhy() {
        SimilarAnswers similar = SimilarAnswersFactory.create(() -> {
            throw new UnsatisfiedLinkError("no onnxruntime for this platform");
        }, () -> {
        });
        SimilarAnswersFactory.begin(similar);
        SimilarAnswersFactory.awaitLoad(similar, LIMIT);
        assertThat(similar.available()).isFalse();
        assertThat(similar.description()).contains("no onnxruntime for this platform");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A loaded lookup that embeds everything to the same one-dimensional vector. */
    private static final class LocalStandIn implements SimilarAnswers {
        private final SimilarAnswers off = SimilarAnswers.off("");

        @Override
        public boolean available() {
            return true;
        }

        @Override
        public String description() {
            return "stand-in model";
        }

        @Override
        public float[] embed(String question) {
            return new float[] {1f};
        }

        @Override
        public void index(String scope, String key, String question, float[] vector) {
        }

        @Override
        public void forget(String key) {
        }

        @Override
        public java.util.Optional<Match> nearest(String scope, String question, float[] vector, double threshold) {
            return off.nearest(scope, question, vector, threshold);
        }

        @Override
        public void clear() {
        }
    }
}
