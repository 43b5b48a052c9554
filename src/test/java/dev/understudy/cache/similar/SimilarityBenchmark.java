package dev.understudy.cache.similar;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Timings of the similar lookup, run by hand: {@code ./mvnw -Pbench test-compile exec:java}
 * (not a test, so never part of {@code verify}). Embedding time per question and lookup time over
 * 10,000 entries, as p50 / p99 after a warm-up.
 */
public final class SimilarityBenchmark {

    private static final int ENTRIES = 10_000;

    private SimilarityBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.out.printf("similarity benchmark: %d cores, java %s, load average %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());
        List<String> questions = new ArrayList<>();
        for (LabelledPairs.Pair p : LabelledPairs.load().pairs()) {
            questions.add(p.query());
            questions.add(p.cached());
        }
        OnnxEmbedder shipped = embedderTimings(OnnxEmbedder.Model.BGE_SMALL_EN_V15_Q, questions);
        embedderTimings(OnnxEmbedder.Model.ALL_MINILM_L6_V2_Q, questions);
        lookupTimings(shipped, questions);
    }

    private static OnnxEmbedder embedderTimings(OnnxEmbedder.Model model, List<String> questions) {
        OnnxEmbedder embedder = new OnnxEmbedder(model);
        long start = System.nanoTime();
        if (!embedder.available()) {
            throw new IllegalStateException(embedder.description());
        }
        System.out.printf("%n%s: loaded in %.0f ms%n", model.label(), (System.nanoTime() - start) / 1e6);
        for (int i = 0; i < 300; i++) {
            embedder.embed(questions.get(i % questions.size()));
        }
        long[] times = new long[1000];
        for (int i = 0; i < times.length; i++) {
            String q = questions.get(i % questions.size());
            long t = System.nanoTime();
            embedder.embed(q);
            times[i] = System.nanoTime() - t;
        }
        report("  embed one question (" + times.length + " runs, 3-15 words)", times);
        String longQuestion = String.join(" ", questions).substring(0, OnnxEmbedder.MAX_CHARS);
        long[] longTimes = new long[100];
        for (int i = 0; i < longTimes.length; i++) {
            long t = System.nanoTime();
            embedder.embed(longQuestion);
            longTimes[i] = System.nanoTime() - t;
        }
        report("  embed a " + OnnxEmbedder.MAX_CHARS + "-character question (the cap, 100 runs)", longTimes);
        return embedder;
    }

    /**
     * 10,000 entries: the labelled questions' embeddings, and made-up neighbours of them (a real
     * embedding mixed with another and with noise), so scores spread like real traffic's.
     */
    private static void lookupTimings(OnnxEmbedder embedder, List<String> questions) {
        List<float[]> real = new ArrayList<>();
        for (String q : questions) {
            real.add(embedder.embed(q));
        }
        Random random = new Random(42);
        SimilarityIndex index = new SimilarityIndex();
        String scope = "route|tenant";
        for (int i = 0; i < ENTRIES; i++) {
            if (i < questions.size()) {
                index.put(scope, "q" + i, questions.get(i), real.get(i));
                continue;
            }
            float[] a = real.get(random.nextInt(real.size()));
            float[] b = real.get(random.nextInt(real.size()));
            float[] v = new float[a.length];
            double mix = random.nextDouble();
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) (mix * a[d] + (1 - mix) * b[d] + 0.03 * random.nextGaussian());
            }
            index.put(scope, "synthetic" + i, questions.get(random.nextInt(questions.size())) + " " + i, v);
        }
        double threshold = SimilarityIndex.RECOMMENDED_THRESHOLD;
        System.out.printf("%nindex lookup over %d entries of %d dimensions, threshold %.2f%n",
                index.size(scope), real.get(0).length, threshold);
        for (int i = 0; i < 500; i++) {
            index.nearest(scope, questions.get(i % questions.size()), real.get(i % real.size()), threshold);
        }
        long[] times = new long[2000];
        int served = 0;
        for (int i = 0; i < times.length; i++) {
            int q = random.nextInt(questions.size());
            long t = System.nanoTime();
            served += index.nearest(scope, questions.get(q), real.get(q), threshold).isPresent() ? 1 : 0;
            times[i] = System.nanoTime() - t;
        }
        report("  nearest, cosine + guard (" + times.length + " runs, " + served + " served)", times);
        float[] noise = new float[real.get(0).length];
        long[] missTimes = new long[2000];
        for (int i = 0; i < missTimes.length; i++) {
            for (int d = 0; d < noise.length; d++) {
                noise[d] = (float) random.nextGaussian();
            }
            long t = System.nanoTime();
            index.nearest(scope, "an unrelated question", noise, threshold);
            missTimes[i] = System.nanoTime() - t;
        }
        report("  nearest, nothing above the threshold (" + missTimes.length + " runs)", missTimes);
        long[] guardTimes = new long[2000];
        for (int i = 0; i < guardTimes.length; i++) {
            String a = questions.get(random.nextInt(questions.size()));
            String b = questions.get(random.nextInt(questions.size()));
            long t = System.nanoTime();
            SimilarityGuard.compatible(a, b);
            guardTimes[i] = System.nanoTime() - t;
        }
        report("  guard alone, one pair (" + guardTimes.length + " runs)", guardTimes);
    }

    private static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%-68s p50 %7.3f ms   p99 %7.3f ms   max %7.3f ms%n", what,
                s[s.length / 2] / 1e6, s[(int) Math.ceil(s.length * 0.99) - 1] / 1e6, s[s.length - 1] / 1e6);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
