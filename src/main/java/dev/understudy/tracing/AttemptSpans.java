package dev.understudy.tracing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Usage;
import dev.understudy.config.UnderstudyConfig;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.json.Json;
import dev.understudy.routing.Target;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One client span per attempt: each call of a target (retries included) and each active probe, named and
 * annotated after the OpenTelemetry GenAI conventions ({@code chat gpt-4o}, {@code gen_ai.*}, {@code error.type}).
 * The request's server span (the parent) learns who answered and what it cost.
 *
 * <p>Cost: with the SDK disabled (no OTLP endpoint, the default) every method returns at its first line and
 * nothing is allocated; with it enabled, attributes are only built for spans that are recording (sampled).
 * Message text goes on a span only with {@code understudy.tracing.capture-content=true}.
 */
@Singleton
public class AttemptSpans {

    private static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    private static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");

    private final Tracer tracer;
    private final boolean on;
    private final boolean captureContent;

    @jakarta.inject.Inject
    public AttemptSpans(Tracer tracer, UnderstudyConfig config,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean sdkDisabled) {
        this(tracer, !sdkDisabled, config.tracing().captureContent());
    }

    AttemptSpans(Tracer tracer, boolean on, boolean captureContent) {
        this.tracer = tracer;
        this.on = on;
        this.captureContent = captureContent;
    }

    /** The request's context, to hang attempts under: the root context while tracing is off. */
    public Context requestContext() {
        return on ? Context.current() : Context.root();
    }

    /**
     * Starts the span of one call of {@code target}.
     *
     * @param continuation null for a fresh answer; {@code prefill} or {@code regenerate} when this attempt
     *                     continues a stream cut on another target
     */
    public Span start(Context parent, Target target, ChatRequest request, boolean stream, String continuation) {
        if (!on) {
            return Span.getInvalid();
        }
        Span span = tracer.spanBuilder("chat " + target.model()).setParent(parent).setSpanKind(SpanKind.CLIENT)
                .startSpan();
        if (span.isRecording()) {
            span.setAttribute(GenAi.OPERATION, "chat");
            span.setAttribute(GenAi.PROVIDER, GenAi.providerName(target.providerType()));
            span.setAttribute(GenAi.REQUEST_MODEL, target.model());
            span.setAttribute(GenAi.ENDPOINT, target.provider());
            span.setAttribute(GenAi.ROUTE, target.route());
            if (stream) {
                span.setAttribute(GenAi.STREAM, true);
            }
            if (continuation != null) {
                span.setAttribute(GenAi.CONTINUATION, continuation);
            }
            if (captureContent) {
                span.setAttribute(INPUT_MESSAGES, messages(request.messages()));
            }
        }
        return span;
    }

    /** The first content of a streamed attempt arrived (the time to first token, seen on the timeline). */
    public void firstContent(Span span) {
        if (span.isRecording()) {
            span.addEvent("gen_ai.content.first");
        }
    }

    /**
     * The attempt answered; the request span takes over the answering target, model, usage and finish.
     *
     * @param answer the answer text, for content capture (null: none)
     */
    public void succeeded(Span span, Context request, Target target, boolean fallback, String responseModel,
            Usage usage, String finishReason, CharSequence answer) {
        if (span.isRecording()) {
            span.setAttribute(GenAi.OUTCOME, "ok");
            answered(span, responseModel, usage, finishReason);
            if (captureContent && answer != null) {
                span.setAttribute(OUTPUT_MESSAGES, messages(List.of(Message.text("assistant", answer.toString()))));
            }
        }
        span.end();
        Span server = Span.fromContext(request);
        if (server.isRecording()) {
            server.setAttribute(GenAi.PROVIDER, GenAi.providerName(target.providerType()));
            server.setAttribute(GenAi.ENDPOINT, target.provider());
            server.setAttribute(GenAi.FALLBACK, fallback);
            answered(server, responseModel, usage, finishReason);
        }
    }

    private static void answered(Span span, String responseModel, Usage usage, String finishReason) {
        if (responseModel != null) {
            span.setAttribute(GenAi.RESPONSE_MODEL, responseModel);
        }
        if (usage != null) {
            span.setAttribute(GenAi.INPUT_TOKENS, (long) usage.promptTokens());
            span.setAttribute(GenAi.OUTPUT_TOKENS, (long) usage.completionTokens());
        }
        if (finishReason != null) {
            span.setAttribute(GenAi.FINISH_REASONS, List.of(finishReason));
        }
    }

    /**
     * The attempt failed: {@code error.type} is the failure class ({@code server}, {@code timeout},
     * {@code rate_limited}, ...). The provider's message is not copied: it may quote the request.
     */
    public void failed(Span span, ProviderException e, boolean midStream) {
        if (span.isRecording()) {
            String label = e.failure().label();
            span.setAttribute(GenAi.ERROR_TYPE, label);
            span.setAttribute(GenAi.OUTCOME, midStream ? label + "_mid_stream" : label);
            if (e.status() > 0) {
                span.setAttribute(GenAi.HTTP_STATUS, (long) e.status());
            }
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    /** The attempt ended otherwise: {@code cancelled} (the caller went away), or an error ({@code inconsistent}). */
    public void ended(Span span, String outcome, boolean error) {
        if (span.isRecording()) {
            span.setAttribute(GenAi.OUTCOME, outcome);
            if (error) {
                span.setAttribute(GenAi.ERROR_TYPE, outcome);
                span.setStatus(StatusCode.ERROR);
            }
        }
        span.end();
    }

    /** A probe of a provider endpoint (also the trial of an open breaker): a root span of its own. */
    public Span startProbe(Target first) {
        if (!on) {
            return Span.getInvalid();
        }
        Span span = tracer.spanBuilder("probe " + first.provider()).setParent(Context.root())
                .setSpanKind(SpanKind.CLIENT).startSpan();
        if (span.isRecording()) {
            span.setAttribute(GenAi.PROVIDER, GenAi.providerName(first.providerType()));
            span.setAttribute(GenAi.ENDPOINT, first.provider());
        }
        return span;
    }

    /** Makes the attempt's span current (so its context goes to the provider); a no-op scope for no span. */
    public static Scope activate(Span span) {
        return span.getSpanContext().isValid() ? span.makeCurrent() : Scope.noop();
    }

    /**
     * {@code call}, made and subscribed to with {@code span} current: what it sends carries the span's context.
     * Both matter: context propagation restores, when a Uni runs, the context it was made in.
     */
    public static <T> Uni<T> within(Span span, java.util.function.Supplier<Uni<T>> call) {
        if (!span.getSpanContext().isValid()) {
            return call.get();
        }
        return Uni.createFrom().emitter(emitter -> {
            io.smallrye.mutiny.subscription.Cancellable running;
            try (Scope ignored = span.makeCurrent()) {
                running = call.get().subscribe().with(emitter::complete, emitter::fail);
            }
            emitter.onTermination(running::cancel);
        });
    }

    /** {@code call}, ending the span as {@code cancelled} when the caller goes away before it completes. */
    public static <T> Uni<T> endOnCancel(Span span, Uni<T> call) {
        if (!span.getSpanContext().isValid()) {
            return call;
        }
        return call.onCancellation().invoke(() -> {
            span.setAttribute(GenAi.OUTCOME, "cancelled");
            span.end();
        });
    }

    /** The GenAI conventions' message form: {@code [{"role":..,"parts":[{"type":"text","content":..}]}]}. */
    private static String messages(List<Message> messages) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (Message m : messages) {
            ObjectNode o = list.addObject().put("role", m.role());
            o.putArray("parts").addObject().put("type", "text").put("content", m.text());
        }
        return list.toString();
    }
}
