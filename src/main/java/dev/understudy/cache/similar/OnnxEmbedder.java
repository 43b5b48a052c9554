package dev.understudy.cache.similar;

import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * A quantized sentence-embedding model run in process by ONNX Runtime; the weights and tokenizer
 * come inside a Maven Central jar, so nothing is downloaded at run time. Loads on first use (about
 * a second); if loading fails for any reason (a native image without the runtime's libraries, an
 * unsupported platform, a missing jar) it is off for good, says why once, and the exact cache
 * goes on working.
 */
public final class OnnxEmbedder implements Embedder {

    private static final Logger LOG = Logger.getLogger(OnnxEmbedder.class);

    /**
     * Only the first characters of a longer text are embedded (about 70 tokens, so that even the
     * longest embedding stays within 20 ms on two busy cores); {@link LocalSimilarAnswers} does not
     * look up longer questions at all.
     */
    public static final int MAX_CHARS = 300;

    /** The models this can run, each from its own jar. */
    public enum Model {
        /** BAAI bge-small-en-v1.5, int8-quantized: the shipped model. */
        BGE_SMALL_EN_V15_Q("bge-small-en-v1.5-q", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json",
                true, 384),
        /** sentence-transformers all-MiniLM-L6-v2, int8-quantized: faster, weaker on near misses. */
        ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
                false, 384);

        private final String label;
        private final String weights;
        private final String tokenizer;
        private final boolean clsPooling;
        private final int dimension;

        Model(String label, String weights, String tokenizer, boolean clsPooling, int dimension) {
            this.label = label;
            this.weights = weights;
            this.tokenizer = tokenizer;
            this.clsPooling = clsPooling;
            this.dimension = dimension;
        }

        public String label() {
            return label;
        }

        String weights() {
            return weights;
        }

        String tokenizer() {
            return tokenizer;
        }

        boolean clsPooling() {
            return clsPooling;
        }

        public int dimension() {
            return dimension;
        }
    }

    private final Model model;
    private final ClassLoader loader;
    private volatile boolean tried;
    private volatile Function<String, float[]> encoder;
    private volatile String offBecause = "not loaded yet";

    /** The shipped model. */
    public OnnxEmbedder() {
        this(Model.BGE_SMALL_EN_V15_Q);
    }

    public OnnxEmbedder(Model model) {
        this(model, OnnxEmbedder.class.getClassLoader());
    }

    /** Finds the model files through {@code loader} (tests point it at an empty one). */
    OnnxEmbedder(Model model, ClassLoader loader) {
        this.model = model;
        this.loader = loader;
    }

    public Model model() {
        return model;
    }

    /** Loads the model if that was not tried yet; false when it cannot run here. */
    @Override
    public boolean available() {
        return load() != null;
    }

    @Override
    public String description() {
        return load() != null
                ? model.label() + " (" + model.dimension() + " dims, ONNX Runtime in process)"
                : offBecause;
    }

    @Override
    public float[] embed(String text) {
        Function<String, float[]> e = load();
        if (e == null) {
            throw new IllegalStateException("similar-cache lookup off: " + offBecause);
        }
        String t = text == null ? "" : text.strip();
        if (t.length() > MAX_CHARS) {
            t = t.substring(0, MAX_CHARS);
        }
        return Embedder.normalise(e.apply(t).clone());
    }

    private Function<String, float[]> load() {
        if (tried) {
            return encoder;
        }
        synchronized (this) {
            if (!tried) {
                encoder = tryLoad();
                tried = true;
            }
            return encoder;
        }
    }

    private Function<String, float[]> tryLoad() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            // the tokenizer's native library is inside its jar; never fetch one from the network
            if (System.getProperty("ai.djl.offline") == null) {
                System.setProperty("ai.djl.offline", "true");
            }
            thread.setContextClassLoader(OnnxEmbedder.class.getClassLoader());
            Function<String, float[]> e = OnnxModel.load(model, loader);
            float[] probe = e.apply("warm-up question");
            if (probe.length != model.dimension()) {
                throw new IllegalStateException("model gave " + probe.length + " dimensions, expected "
                        + model.dimension());
            }
            return e;
        } catch (Throwable t) {
            offBecause = "cannot run the embedding model " + model.label() + ": " + t;
            LOG.warnf("similar-cache lookup off: %s; exact cache still works", offBecause);
            return null;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public String toString() {
        return "OnnxEmbedder(" + model.label() + ")";
    }
}
