package dev.understudy.provider.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-stream parser gives the same events however the bytes are cut into buffers. */
class SseParserTest {

    private static final String STREAM = ": ping\n"
            + "data: {\"a\":\"caf\u00e9 \u2603\"}\n\n"
            + "event: message_start\r\ndata:{\"b\":1}\r\n\r\n"
            + "data: first line\rdata: second line\r\r"
            + "id: 7\nretry: 100\nevent\ndata\n\n"
            + "data: [DONE]\n\n"
            + "data: no blank line at the end";

    private static final List<SseEvent> EVENTS = List.of(
            new SseEvent(null, "{\"a\":\"caf\u00e9 \u2603\"}"),
            new SseEvent("message_start", "{\"b\":1}"),
            new SseEvent(null, "first line\nsecond line"),
            new SseEvent("", ""),
            new SseEvent(null, "[DONE]"),
            new SseEvent(null, "no blank line at the end"));

    @Test
    void readsEveryKindOfLineEndingCommentFieldAndMultiLineData() {
        assertEquals(EVENTS, parse(List.of(bytes(STREAM))));
    }

    @Test
    void givesTheSameEventsWhereverTheBytesAreCutIncludingInsideACharacterAndBetweenCrAndLf() {
        byte[] all = bytes(STREAM);
        for (int cut = 1; cut < all.length; cut++) {
            assertEquals(EVENTS, parse(List.of(slice(all, 0, cut), slice(all, cut, all.length))), "cut at " + cut);
        }
        List<byte[]> oneByteEach = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            oneByteEach.add(slice(all, i, i + 1));
        }
        assertEquals(EVENTS, parse(oneByteEach));
    }

    @Test
    void knowsADataLineFromItsBytesWithoutDecodingIt() {
        List<SseEvent> events = parse(List.of(bytes("data: [DONE]\n\ndata: [DONE] \n\n")));
        byte[] done = bytes("[DONE]");
        assertEquals(List.of(true, false), events.stream().map(e -> e.dataIs(done)).toList());
    }

    private static List<SseEvent> parse(List<byte[]> pieces) {
        List<SseEvent> out = new ArrayList<>();
        SseParser parser = new SseParser(out::add);
        for (byte[] piece : pieces) {
            parser.feed(Buffer.buffer(piece));
        }
        parser.finish();
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }
}
