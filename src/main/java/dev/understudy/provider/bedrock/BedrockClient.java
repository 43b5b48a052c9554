package dev.understudy.provider.bedrock;

import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.http.UpstreamClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The transport of one Bedrock endpoint: the endpoint's {@link UpstreamClient} (same pooling and failure
 * semantics: no headers → {@link Failure#CONNECT}, error status → classified, connection lost mid-body →
 * {@link Failure#CUT}, cancel → reset), with ConverseStream's binary event-stream framing instead of
 * server-sent events, Bedrock's error classes, and requests sent exactly as they were signed.
 */
final class BedrockClient {

    private final UpstreamClient upstream;
    final String scheme;
    final String host;
    final int port;
    final String basePath;

    BedrockClient(Vertx vertx, String baseUri, int maxConnections) {
        this.upstream = new UpstreamClient(vertx, baseUri, maxConnections);
        this.scheme = upstream.tls() ? "https" : "http";
        this.host = upstream.host();
        this.port = upstream.port();
        this.basePath = upstream.basePath();
    }

    /** A whole reply (status, headers, body text); fails only with a connection failure. Cancelling resets. */
    Uni<UpstreamClient.Reply> send(HttpMethod method, String pathAndQuery, MultiMap headers, byte[] body) {
        return upstream.send(method, pathAndQuery, headers, body);
    }

    /**
     * A streamed POST: the event-stream messages as they arrive, the terminal one included. Completes after
     * the terminal message (the rest of the body is drained so the connection returns to the pool) or at the
     * end of the body.
     *
     * @param corrupted called once per message skipped for a CRC mismatch
     */
    Multi<EventStreamDecoder.Message> stream(String path, MultiMap headers, byte[] body,
            Predicate<EventStreamDecoder.Message> terminal, Runnable corrupted) {
        return upstream.stream(path, headers, body, out -> new EventStream(out, corrupted), terminal, true,
                BedrockErrors::classify);
    }

    void close() {
        upstream.close();
    }

    /** One response's event-stream decoding. */
    private static final class EventStream implements UpstreamClient.Decoder {
        private final EventStreamDecoder decoder = new EventStreamDecoder();
        private final Consumer<EventStreamDecoder.Message> out;
        private final Runnable corrupted;

        EventStream(Consumer<EventStreamDecoder.Message> out, Runnable corrupted) {
            this.out = out;
            this.corrupted = corrupted;
        }

        @Override
        public void feed(Buffer bytes) {
            long before = decoder.corrupted();
            java.util.List<EventStreamDecoder.Message> messages = decoder.feed(bytes);
            for (long i = before; i < decoder.corrupted(); i++) {
                corrupted.run();
            }
            messages.forEach(out);
        }

        @Override
        public void finish() {
            if (decoder.buffered() > 0) {
                throw new ProviderException(Failure.CUT, "stream cut inside an event-stream message");
            }
        }
    }
}
