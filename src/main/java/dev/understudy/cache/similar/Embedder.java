package dev.understudy.cache.similar;

/**
 * Turns a question into a unit-length vector, in process: the similar lookup runs when every
 * provider is down, so it must not need one.
 */
public interface Embedder {

    /** False when the embedding runtime cannot run here; the similar lookup is then off. */
    boolean available();

    /** What model runs, or why none does. */
    String description();

    /**
     * The L2-normalised embedding of {@code text} (a few ms of CPU: call it off the event loop).
     *
     * @throws IllegalStateException when not {@link #available()}
     */
    float[] embed(String text);

    /** An embedder that is off, saying why. */
    static Embedder disabled(String why) {
        return new Embedder() {
            @Override
            public boolean available() {
                return false;
            }

            @Override
            public String description() {
                return why;
            }

            @Override
            public float[] embed(String text) {
                throw new IllegalStateException("similar-cache lookup off: " + why);
            }

            @Override
            public String toString() {
                return "Embedder.disabled(" + why + ")";
            }
        };
    }

    /** Scales {@code v} in place to unit length (a zero vector stays zero) and returns it. */
    static float[] normalise(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float inv = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }
}
