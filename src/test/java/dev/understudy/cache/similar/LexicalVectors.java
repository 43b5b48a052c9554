package dev.understudy.cache.similar;

import java.util.Locale;

/**
 * The baseline the similar lookup does not use: character 3-gram feature hashing of the lower-cased text
 * (4,096 buckets, L2-normalised). Kept in the tests to show where it goes wrong.
 */
final class LexicalVectors {

    private static final int BUCKETS = 4096;

    private LexicalVectors() {
    }

    static float[] of(String text) {
        String t = " " + text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}°]+", " ").strip() + " ";
        float[] v = new float[BUCKETS];
        for (int i = 0; i + 3 <= t.length(); i++) {
            v[Math.floorMod(t.substring(i, i + 3).hashCode(), BUCKETS)] += 1;
        }
        return Embedder.normalise(v);
    }

    static double cosine(String a, String b) {
        return dot(of(a), of(b));
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
