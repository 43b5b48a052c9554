package dev.understudy.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/** The binary event-stream framing, checked against messages built by AWS's reference encoder. */
class EventStreamDecoderTest {

    @Test
    void decodesAMessageEncodedByTheReferenceEncoder() {
        byte[] frame = event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}");
        List<EventStreamDecoder.Message> out = new EventStreamDecoder().feed(Buffer.buffer(frame));
        assertThat(out).singleElement().satisfies(m -> {
            assertThat(m.header(":event-type")).isEqualTo("contentBlockDelta");
            assertThat(m.header(":message-type")).isEqualTo("event");
            assertThat(m.header(":content-type")).isEqualTo("application/json");
            assertThat(m.payloadText()).isEqualTo("{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}");
        });
    }

    @Test
    void readsEveryHeaderValueType() {
        UUID id = UUID.randomUUID();
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put("t", HeaderValue.fromBoolean(true));
        headers.put("f", HeaderValue.fromBoolean(false));
        headers.put("byte", HeaderValue.fromByte((byte) -7));
        headers.put("short", HeaderValue.fromShort((short) 1234));
        headers.put("int", HeaderValue.fromInteger(123456));
        headers.put("long", HeaderValue.fromLong(1L << 40));
        headers.put("bytes", HeaderValue.fromByteArray(new byte[] {1, 2, (byte) 0xff}));
        headers.put("string", HeaderValue.fromString("héllo"));
        headers.put("time", HeaderValue.fromTimestamp(Instant.ofEpochMilli(1_700_000_000_123L)));
        headers.put("uuid", HeaderValue.fromUuid(id));
        EventStreamDecoder.Message m = new EventStreamDecoder().feed(Buffer.buffer(encode(headers, "{}"))).get(0);
        assertThat(m.headers()).containsEntry("t", "true").containsEntry("f", "false").containsEntry("byte", "-7")
                .containsEntry("short", "1234").containsEntry("int", "123456")
                .containsEntry("long", Long.toString(1L << 40)).containsEntry("bytes", "0102ff")
                .containsEntry("string", "héllo").containsEntry("time", "1700000000123")
                .containsEntry("uuid", id.toString());
    }

    @Test
    void decodesMessagesSplitAtEveryPossibleByteBoundary() {
        byte[] stream = concat(event("messageStart", "{\"role\":\"assistant\"}"),
                event("contentBlockDelta", "{\"delta\":{\"text\":\"žluťoučký kůň\"}}"),
                event("messageStop", "{\"stopReason\":\"end_turn\"}"));
        for (int size = 1; size <= 7; size++) {
            EventStreamDecoder decoder = new EventStreamDecoder();
            List<String> types = new ArrayList<>();
            for (int at = 0; at < stream.length; at += size) {
                byte[] piece = java.util.Arrays.copyOfRange(stream, at, Math.min(stream.length, at + size));
                decoder.feed(Buffer.buffer(piece)).forEach(m -> types.add(m.header(":event-type")));
            }
            assertThat(types).as("pieces of %d bytes", size).containsExactly("messageStart", "contentBlockDelta",
                    "messageStop");
            assertThat(decoder.buffered()).isZero();
        }
    }

    @Test
    void decodesSeveralMessagesArrivingInOneBuffer() {
        byte[] stream = concat(event("a", "{}"), event("b", "{}"), event("c", "{}"));
        assertThat(new EventStreamDecoder().feed(Buffer.buffer(stream)))
                .extracting(m -> m.header(":event-type")).containsExactly("a", "b", "c");
    }

    @Test
    void skipsAndCountsAMessageWhoseCrcDoesNotMatchAndReadsTheNextOne() {
        byte[] bad = event("contentBlockDelta", "{\"delta\":{\"text\":\"garbled\"}}");
        bad[bad.length - 10] ^= 0x20; // a payload byte: the prelude is intact, the message CRC is not
        EventStreamDecoder decoder = new EventStreamDecoder();
        List<EventStreamDecoder.Message> out = decoder.feed(Buffer.buffer(concat(bad, event("messageStop", "{}"))));
        assertThat(out).extracting(m -> m.header(":event-type")).containsExactly("messageStop");
        assertThat(decoder.corrupted()).isEqualTo(1);
    }

    @Test
    void failsOnACorruptPreludeBecauseNothingAfterItCanBeFramed() {
        byte[] bad = event("contentBlockDelta", "{}");
        bad[2] ^= 0x01; // total length: the prelude CRC no longer matches
        EventStreamDecoder decoder = new EventStreamDecoder();
        assertThatThrownBy(() -> decoder.feed(Buffer.buffer(concat(bad, event("messageStop", "{}")))))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.MALFORMED))
                .hasMessageContaining("prelude");
        assertThat(decoder.feed(Buffer.buffer(event("late", "{}")))).as("nothing is read after it").isEmpty();
    }

    @Test
    void rejectsAPreludeClaimingMoreHeadersThanTheMessageHolds() {
        ByteBuffer b = ByteBuffer.allocate(12).putInt(16).putInt(100);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b.array(), 0, 8);
        b.putInt((int) crc.getValue());
        assertThatThrownBy(() -> new EventStreamDecoder().feed(Buffer.buffer(b.array())))
                .isInstanceOf(ProviderException.class);
    }

    @Test
    void keepsAnUnfinishedMessageUntilTheRestArrives() {
        byte[] frame = event("messageStop", "{\"stopReason\":\"end_turn\"}");
        EventStreamDecoder decoder = new EventStreamDecoder();
        assertThat(decoder.feed(Buffer.buffer(java.util.Arrays.copyOf(frame, frame.length - 3)))).isEmpty();
        assertThat(decoder.buffered()).isEqualTo(frame.length - 3);
        assertThat(decoder.feed(Buffer.buffer(java.util.Arrays.copyOfRange(frame, frame.length - 3, frame.length))))
                .hasSize(1);
    }

    static byte[] event(String type, String json) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        return encode(headers, json);
    }

    static byte[] encode(Map<String, HeaderValue> headers, String payload) {
        ByteBuffer b = new Message(headers, payload.getBytes(StandardCharsets.UTF_8)).toByteBuffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
