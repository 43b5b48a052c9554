package dev.understudy.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Usage;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.routing.Target;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The attempt spans against the real OpenTelemetry SDK, finished spans collected as they end. */
class AttemptSpansTest {

    private static final Target TARGET = new Target("default", "anthropic-eu", "anthropic", "claude-sonnet-4-5", null,
            Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10), 2, 0, null, null, null);
    private static final String PROMPT = "What is the secret recipe?";
    private static final ChatRequest REQUEST = new ChatRequest("default",
            List.of(Message.text("user", PROMPT)), null, null, null, null, null, null, null, null, null, false,
            false, null);

    private final List<SpanData> finished = new CopyOnWriteArrayList<>();
    private SdkTracerProvider provider;

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
        }
    }

    private AttemptSpans spans(boolean captureContent, Sampler sampler) {
        provider = SdkTracerProvider.builder().setSampler(sampler)
                .addSpanProcessor(SimpleSpanProcessor.create(new Collecting())).build();
        return new AttemptSpans(provider.get("test"), true, captureContent);
    }

    @Test
    void namesTheAttemptAfterTheGenAiConventionsAndPutsNoMessageTextOnIt() {
        AttemptSpans spans = spans(false, Sampler.alwaysOn());
        Span span = spans.start(Context.root(), TARGET, REQUEST, false, null);
        spans.succeeded(span, Context.root(), TARGET, false, "claude-sonnet-4-5-20250929", new Usage(12, 34),
                "end_turn", "The recipe is flour.");

        SpanData data = finished.get(0);
        assertThat(data.getName()).isEqualTo("chat claude-sonnet-4-5");
        assertThat(data.getAttributes().asMap()).containsEntry(GenAi.OPERATION, "chat")
                .containsEntry(GenAi.PROVIDER, "anthropic")
                .containsEntry(GenAi.ENDPOINT, "anthropic-eu")
                .containsEntry(GenAi.RESPONSE_MODEL, "claude-sonnet-4-5-20250929")
                .containsEntry(GenAi.INPUT_TOKENS, 12L)
                .containsEntry(GenAi.OUTPUT_TOKENS, 34L)
                .containsEntry(GenAi.FINISH_REASONS, List.of("end_turn"));
        assertThat(data.getAttributes().asMap().values()).noneMatch(v -> String.valueOf(v).contains("recipe"));
    }

    @Test
    void capturesPromptAndAnswerOnlyWhenSwitchedOn() {
        AttemptSpans spans = spans(true, Sampler.alwaysOn());
        Span span = spans.start(Context.root(), TARGET, REQUEST, false, null);
        spans.succeeded(span, Context.root(), TARGET, false, null, null, "end_turn", "The recipe is flour.");

        assertThat(finished.get(0).getAttributes().asMap().entrySet())
                .anySatisfy(e -> assertThat(e.getKey().getKey()).isEqualTo("gen_ai.input.messages"))
                .anySatisfy(e -> assertThat(String.valueOf(e.getValue())).contains(PROMPT))
                .anySatisfy(e -> assertThat(String.valueOf(e.getValue()))
                        .contains("\"role\":\"assistant\"").contains("The recipe is flour."));
    }

    @Test
    void aFailedAttemptCarriesItsErrorTypeAndStatusButNotTheProvidersMessage() {
        AttemptSpans spans = spans(false, Sampler.alwaysOn());
        Span span = spans.start(Context.root(), TARGET, REQUEST, true, null);
        spans.failed(span, new ProviderException(Failure.SERVER, 529, "overloaded: " + PROMPT, null, null, null), true);

        SpanData data = finished.get(0);
        assertThat(data.getAttributes().asMap()).containsEntry(GenAi.ERROR_TYPE, "server")
                .containsEntry(GenAi.OUTCOME, "server_mid_stream")
                .containsEntry(GenAi.HTTP_STATUS, 529L);
        assertThat(data.getStatus().getDescription()).isEmpty();
        assertThat(data.getAttributes().asMap().values()).noneMatch(v -> String.valueOf(v).contains("overloaded"));
    }

    @Test
    void whileTracingIsOffStartsNoSpanAtAll() {
        AttemptSpans off = new AttemptSpans(SdkTracerProvider.builder().build().get("test"), false, true);
        assertThat(off.start(Context.root(), TARGET, REQUEST, false, null)).isSameAs(Span.getInvalid());
        assertThat(off.startProbe(TARGET)).isSameAs(Span.getInvalid());
        assertThat(off.requestContext()).isSameAs(Context.root());
    }

    @Test
    void anUnsampledAttemptIsNotRecordedAndNeverExported() {
        AttemptSpans spans = spans(true, Sampler.alwaysOff());
        Span span = spans.start(Context.root(), TARGET, REQUEST, false, null);
        assertThat(span.isRecording()).isFalse();
        spans.succeeded(span, Context.root(), TARGET, false, "m", new Usage(1, 1), "stop", "answer");
        assertThat(finished).isEmpty();
    }

    private final class Collecting implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            finished.addAll(spans);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
