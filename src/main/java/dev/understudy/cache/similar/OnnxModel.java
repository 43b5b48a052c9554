package dev.understudy.cache.similar;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;

/**
 * The only class that touches ONNX Runtime and the tokenizer, so that a runtime without them fails
 * here (inside {@link OnnxEmbedder}'s guarded load) and nowhere else. One intra-op thread: on a
 * small machine a second thread buys nothing for a 20-token question and competes with the
 * gateway's own work.
 *
 * <p>Memory: the weights (34 MB) are handed to the runtime as a file, never as a Java array, so loading
 * them does not grow the heap for good (a heap grown once stays committed); the runtime's memory arena and
 * memory-pattern planning are off: they keep peak-sized buffers for inputs of a few dozen tokens.
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
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setCPUArenaAllocator(false);
        options.setMemoryPatternOptimization(false);
        OrtSession session = session(env, options, model, loader);
        try (InputStream tokenizer = open(loader, model.tokenizer())) {
            PoolingMode pooling = model.clsPooling() ? PoolingMode.CLS : PoolingMode.MEAN;
            return new OnnxModel(new OnnxBertBiEncoder(env, session, tokenizer, pooling), model.dimension());
        }
    }

    /** From a temporary file (deleted at once); from a Java array only where no file can be written. */
    private static OrtSession session(OrtEnvironment env, OrtSession.SessionOptions options, OnnxEmbedder.Model model,
            ClassLoader loader) throws OrtException, IOException {
        Path file;
        try {
            file = Files.createTempFile("understudy-" + model.label(), ".onnx");
        } catch (IOException | UnsupportedOperationException e) {
            try (InputStream in = open(loader, model.weights())) {
                return env.createSession(in.readAllBytes(), options);
            }
        }
        try {
            try (InputStream in = open(loader, model.weights())) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return env.createSession(file.toString(), options);
        } finally {
            Files.deleteIfExists(file);
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
