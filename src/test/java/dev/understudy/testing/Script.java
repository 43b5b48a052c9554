package dev.understudy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;

/**
 * How a {@link FakeProvider} answers one request. Immutable: every modifier returns a new script.
 * Fault modifiers ({@code cutAfter}, {@code stallAfter}, ...) only apply to stream scripts.
 */
public final class Script {

    private enum Kind { JSON, OPENAI_ANSWER, ANTHROPIC_ANSWER, OPENAI_STREAM, ANTHROPIC_STREAM, RESET, SILENT, DELAYED }

    private enum Fault { NONE, CUT, STALL, NO_DONE, NO_DONE_KEEP_OPEN, MALFORMED, ERROR_EVENT }

    private static final AtomicLong IDS = new AtomicLong();

    private final Kind kind;
    private int status = 200;
    private String text = "";
    private List<String> pieces = List.of();
    private Map<String, String> headers = Map.of();
    private Duration delayFirst = Duration.ZERO;
    private Duration interval = Duration.ZERO;
    private Fault fault = Fault.NONE;
    private int faultAt = -1;
    private Script then;

    private Script(Kind kind) { this.kind = kind; }

    // ---- factories ----

    /** A complete JSON response with the given status and body. */
    public static Script json(int status, String body) { return new Script(Kind.JSON).with(s -> { s.status = status; s.text = body; }); }

    public static Script openAiAnswer(String text) { return new Script(Kind.OPENAI_ANSWER).with(s -> s.text = text); }

    public static Script anthropicAnswer(String text) { return new Script(Kind.ANTHROPIC_ANSWER).with(s -> s.text = text); }

    public static Script openAiStream(String... pieces) { return new Script(Kind.OPENAI_STREAM).with(s -> s.pieces = List.of(pieces)); }

    public static Script anthropicStream(String... pieces) { return new Script(Kind.ANTHROPIC_STREAM).with(s -> s.pieces = List.of(pieces)); }

    /** Reads the request, then closes the connection with a TCP RST before writing anything. */
    public static Script reset() { return new Script(Kind.RESET); }

    /** Reads the request and never answers; the socket stays open until the peer or the provider closes it. */
    public static Script silent() { return new Script(Kind.SILENT); }

    /** Waits {@code delay} after reading the request, then runs {@code then}. */
    public static Script delayed(Duration delay, Script then) { return new Script(Kind.DELAYED).with(s -> { s.delayFirst = delay; s.then = then; }); }

    // ---- modifiers ----

    /** Adds a response header (e.g. Retry-After, retry-after-ms). */
    public Script header(String name, String value) {
        return with(s -> { s.headers = new LinkedHashMap<>(headers); s.headers.put(name, value); });
    }

    /** Waits before the first content event (headers and the role/message_start prelude are sent at once). */
    public Script delayFirst(Duration d) { return with(s -> s.delayFirst = d); }

    /** Waits between consecutive SSE events. */
    public Script interval(Duration d) { return with(s -> s.interval = d); }

    /** After n content pieces, closes the connection (FIN) without finishing the chunked body. */
    public Script cutAfter(int n) { return fault(Fault.CUT, n); }

    /** After n content pieces, writes nothing more but keeps the socket open. */
    public Script stallAfter(int n) { return fault(Fault.STALL, n); }

    /** Finishes normally but without {@code [DONE]} (Anthropic: without message_stop). */
    public Script withoutDone() { return fault(Fault.NO_DONE, -1); }

    /** Like {@link #withoutDone()} but the chunked body is never terminated and the socket stays open. */
    public Script withoutDoneKeepOpen() { return fault(Fault.NO_DONE_KEEP_OPEN, -1); }

    /** After n content pieces, inserts one event whose data is {@code {not json}, then continues. */
    public Script malformedAfter(int n) { return fault(Fault.MALFORMED, n); }

    /** After n content pieces, sends an in-band error event and ends the body properly. */
    public Script errorEventAfter(int n) { return fault(Fault.ERROR_EVENT, n); }

    private Script fault(Fault f, int n) { return with(s -> { s.fault = f; s.faultAt = n; }); }

    private Script with(Consumer<Script> change) {
        Script s = new Script(kind);
        s.status = status; s.text = text; s.pieces = pieces; s.headers = headers; s.delayFirst = delayFirst;
        s.interval = interval; s.fault = fault; s.faultAt = faultAt; s.then = then;
        change.accept(s);
        return s;
    }

    // ---- execution ----

    /** Answers {@code req} on {@code c}; returns whether the connection can serve another request. */
    boolean run(FakeProvider.Conn c, Recorded req) throws IOException {
        String model = q(json(req).path("model").asText("fake-model"));
        long id = IDS.incrementAndGet();
        return switch (kind) {
            case RESET -> { c.reset(); yield false; }
            case SILENT -> { c.hold(); yield false; }
            case DELAYED -> { c.pause(delayFirst); yield then.run(c, req); }
            case JSON -> c.respond(status, "application/json", text, headers);
            case OPENAI_ANSWER -> c.respond(200, "application/json", """
                    {"id":"chatcmpl-fake-%d","object":"chat.completion","created":%d,"model":%s,\
                    "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],\
                    "usage":{"prompt_tokens":10,"completion_tokens":%d,"total_tokens":%d}}"""
                    .formatted(id, now(), model, q(text), words(text), 10 + words(text)), headers);
            case ANTHROPIC_ANSWER -> c.respond(200, "application/json", """
                    {"id":"msg_fake_%d","type":"message","role":"assistant","model":%s,\
                    "content":[{"type":"text","text":%s}],"stop_reason":"end_turn","stop_sequence":null,\
                    "usage":{"input_tokens":10,"output_tokens":%d}}"""
                    .formatted(id, model, q(text), words(text)), headers);
            case OPENAI_STREAM -> stream(c, openAiEvents(req, model, id));
            case ANTHROPIC_STREAM -> stream(c, anthropicEvents(model, id));
        };
    }

    private record Events(List<String> prelude, List<String> content, List<String> finish,
                          String done, String malformed, String error) { }

    private Events openAiEvents(Recorded req, String model, long id) {
        String head = "data: {\"id\":\"chatcmpl-fake-%d\",\"object\":\"chat.completion.chunk\",\"created\":%d,\"model\":%s,"
                .formatted(id, now(), model);
        BinaryOperator<String> chunk = (delta, finishReason) ->
                head + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}\n\n";
        List<String> finish = new ArrayList<>(List.of(chunk.apply("{}", "\"stop\"")));
        if (json(req).path("stream_options").path("include_usage").asBoolean(false)) {
            int w = words(String.join("", pieces));
            finish.add(head + "\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":%d,\"total_tokens\":%d}}\n\n"
                    .formatted(w, 10 + w));
        }
        return new Events(List.of(chunk.apply("{\"role\":\"assistant\",\"content\":\"\"}", "null")),
                pieces.stream().map(p -> chunk.apply("{\"content\":" + q(p) + "}", "null")).toList(),
                finish, "data: [DONE]\n\n", "data: {not json\n\n",
                "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");
    }

    private Events anthropicEvents(String model, long id) {
        return new Events(List.of(
                sse("message_start", """
                        {"type":"message_start","message":{"id":"msg_fake_%d","type":"message","role":"assistant",\
                        "model":%s,"content":[],"stop_reason":null,"stop_sequence":null,\
                        "usage":{"input_tokens":10,"output_tokens":1}}}""".formatted(id, model)),
                sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                sse("ping", "{\"type\":\"ping\"}")),
                pieces.stream().map(p -> sse("content_block_delta",
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":" + q(p) + "}}")).toList(),
                List.of(sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                        sse("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                                + "\"usage\":{\"output_tokens\":" + words(String.join("", pieces)) + "}}")),
                sse("message_stop", "{\"type\":\"message_stop\"}"),
                "event: content_block_delta\ndata: {not json\n\n",
                sse("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
    }

    private boolean stream(FakeProvider.Conn c, Events ev) throws IOException {
        c.startChunked("text/event-stream", headers);
        for (String e : ev.prelude()) c.event(e, interval);
        int at = faultAt < 0 ? -1 : Math.min(faultAt, ev.content().size());
        for (int i = 0; i <= ev.content().size(); i++) {
            if (i == at) {
                switch (fault) {
                    case CUT -> {
                        c.cut(); // FIN without the terminating chunk: ordered after the data, so no race

                        return false;
                    }
                    case STALL -> { c.hold(); return false; }
                    case MALFORMED -> c.event(ev.malformed(), interval);
                    case ERROR_EVENT -> { c.event(ev.error(), interval); c.endChunked(); return true; }
                    default -> { }
                }
            }
            if (i == ev.content().size()) break;
            if (i == 0) c.pause(delayFirst);
            c.event(ev.content().get(i), interval);
        }
        for (String e : ev.finish()) c.event(e, interval);
        if (fault == Fault.NO_DONE_KEEP_OPEN) { c.hold(); return false; }
        if (fault != Fault.NO_DONE) c.event(ev.done(), interval);
        c.endChunked();
        return true;
    }

    private static String sse(String event, String data) { return "event: " + event + "\ndata: " + data + "\n\n"; }

    private static String q(String s) { return TextNode.valueOf(s).toString(); }

    private static int words(String s) { return s.isBlank() ? 0 : s.trim().split("\\s+").length; }

    private static long now() { return System.currentTimeMillis() / 1000; }

    private static JsonNode json(Recorded req) {
        try {
            return req.json();
        } catch (RuntimeException e) {
            return MissingNode.getInstance();
        }
    }
}
