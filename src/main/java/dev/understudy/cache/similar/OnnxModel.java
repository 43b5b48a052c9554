package dev.understudy.cache.similar;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;

/**
 * The only class that touches ONNX Runtime and the tokenizer, so that a runtime without them fails
 * here (inside {@link OnnxEmbedder}'s guarded load) and nowhere else. One intra-op thread: on a
 * small machine a second thread buys nothing for a 20-token question and competes with the
 * gateway's own work.
 */
final class OnnxModel extends AbstractInProcessEmbeddingModel implements Function<String, float[]> {

    private final OnnxBertBiEncoder encoder;
    private final int dimension;

    private OnnxModel(OnnxBertBiEncoder encoder, int dimension) {
        super(Runnable::run);
        this.encoder = encoder;
        this.dimension = dimension;
    }

    static OnnxModel load(OnnxEmbedder.Model model, ClassLoader loader) throws OrtException, IOException {
        byte[] weights;
        try (InputStream in = open(loader, model.weights())) {
            weights = in.readAllBytes();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        OrtSession session = env.createSession(weights, options);
        try (InputStream tokenizer = open(loader, model.tokenizer())) {
            PoolingMode pooling = model.clsPooling() ? PoolingMode.CLS : PoolingMode.MEAN;
            return new OnnxModel(new OnnxBertBiEncoder(env, session, tokenizer, pooling), model.dimension());
        }
    }

    private static InputStream open(ClassLoader loader, String resource) throws IOException {
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("model file " + resource + " is not on the class path");
        }
        return in;
    }

    @Override
    public float[] apply(String text) {
        return embed(text).content().vector();
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }

    @Override
    protected Integer knownDimension() {
        return dimension;
    }
}
