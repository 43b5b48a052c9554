package dev.understudy.tracing;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The attribute names spans carry: the OpenTelemetry GenAI semantic conventions where they name the thing,
 * {@code understudy.*} for what only a gateway knows. Spelled out here rather than taken from the incubating
 * semantic-conventions artifact: that one is an alpha whose constants move between releases; the wire names
 * below are what backends match on.
 */
public final class GenAi {

    public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    public static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    public static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    public static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

    public static final AttributeKey<String> ROUTE = AttributeKey.stringKey("understudy.route");
    public static final AttributeKey<String> SOURCE = AttributeKey.stringKey("understudy.source");
    public static final AttributeKey<Boolean> FALLBACK = AttributeKey.booleanKey("understudy.fallback");
    public static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("understudy.attempts");
    /** The configured provider endpoint (e.g. {@code anthropic-eu}); {@code gen_ai.provider.name} is its kind. */
    public static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("understudy.provider");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("understudy.attempt.outcome");
    public static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("understudy.stream");
    /** How a streamed attempt after a mid-stream cut continues the answer: {@code prefill} or {@code regenerate}. */
    public static final AttributeKey<String> CONTINUATION = AttributeKey.stringKey("understudy.continuation");
    /** A stream cut that no target could continue consistently: the caller got an in-band error event. */
    public static final AttributeKey<Boolean> ABORTED = AttributeKey.booleanKey("understudy.stream.aborted");
    public static final AttributeKey<String> REASON = AttributeKey.stringKey("understudy.reason");
    public static final AttributeKey<String> TARGET = AttributeKey.stringKey("understudy.target");
    public static final AttributeKey<Double> SIMILARITY = AttributeKey.doubleKey("understudy.cache.similarity");

    private GenAi() {
    }

    /** {@code gen_ai.provider.name} of a provider type: the convention's well-known values where there is one. */
    public static String providerName(String type) {
        if (type == null) {
            return "unknown";
        }
        return switch (type) {
            case "bedrock" -> "aws.bedrock";
            case "vertex" -> "gcp.vertex_ai";
            case "azure-openai" -> "azure.ai.openai";
            default -> type; // openai, anthropic, mock
        };
    }
}
