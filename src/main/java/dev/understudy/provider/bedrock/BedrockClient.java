package dev.understudy.provider.bedrock;

import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.http.HttpErrors;
import dev.understudy.provider.http.UpstreamClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * The transport of one Bedrock endpoint: a pooled Vert.x HTTP client like {@link UpstreamClient} (same
 * failure semantics: no headers → {@link Failure#CONNECT}, error status → classified, connection lost
 * mid-body → {@link Failure#CUT}, cancel → reset), but ConverseStream's body is binary event-stream
 * framing, not server-sent events, so the stream is decoded here from raw bytes.
 */
final class BedrockClient {

    private final Vertx vertx;
    private final HttpClientOptions options;
    private final PoolOptions pool;
    private final HttpClient shared;
    /** One client per event loop: a pooled connection then never hops threads between request and reply. */
    private final Map<Thread, HttpClient> perEventLoop = new ConcurrentHashMap<>();
    final String scheme;
    final String host;
    final int port;
    final String basePath;

    BedrockClient(Vertx vertx, String baseUri, int maxConnections) {
        URI uri = URI.create(baseUri);
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        this.options = new HttpClientOptions()
                .setSsl(tls)
                .setVerifyHost(tls)
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout(5_000)
                .setIdleTimeout(300) // seconds; the route's own idle-timeout acts long before this
                .setDecompressionSupported(false);
        this.vertx = vertx;
        this.pool = new PoolOptions().setHttp1MaxSize(maxConnections);
        this.shared = vertx.createHttpClient(options, pool);
        this.scheme = tls ? "https" : "http";
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** A whole reply (status, headers, body text); fails only with a connection failure. Cancelling resets. */
    Uni<UpstreamClient.Reply> send(HttpMethod method, String pathAndQuery, MultiMap headers, byte[] body) {
        return Uni.createFrom().emitter(emitter -> client().request(options(method, pathAndQuery, headers))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        emitter.fail(HttpErrors.connectFailure(ar.cause()));
                        return;
                    }
                    HttpClientRequest req = ar.result();
                    AtomicBoolean finished = new AtomicBoolean();
                    emitter.onTermination(() -> {
                        if (finished.compareAndSet(false, true)) {
                            req.reset(); // cancelled (timeout, caller gone): free the upstream now
                        }
                    });
                    (body == null ? req.send() : req.send(Buffer.buffer(body)))
                            .compose(resp -> resp.body().map(b -> new UpstreamClient.Reply(resp.statusCode(),
                                    resp::getHeader, b.toString())))
                            .onComplete(r -> {
                                if (finished.compareAndSet(false, true)) {
                                    if (r.succeeded()) {
                                        emitter.complete(r.result());
                                    } else {
                                        emitter.fail(HttpErrors.connectFailure(r.cause()));
                                    }
                                }
                            });
                }));
    }

    /**
     * A streamed POST: the event-stream messages as they arrive. Completes after the terminal message (the
     * rest of the body is drained so the connection returns to the pool) or at the end of the body.
     *
     * @param corrupted called once per message skipped for a CRC mismatch
     */
    Multi<EventStreamDecoder.Message> stream(String path, MultiMap headers, byte[] body,
            Predicate<EventStreamDecoder.Message> terminal, Runnable corrupted) {
        return Multi.createFrom().emitter(emitter -> client().request(options(HttpMethod.POST, path, headers))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        emitter.fail(HttpErrors.connectFailure(ar.cause()));
                        return;
                    }
                    new Exchange(ar.result(), emitter, terminal, corrupted).send(Buffer.buffer(body));
                }));
    }

    private RequestOptions options(HttpMethod method, String pathAndQuery, MultiMap headers) {
        return new RequestOptions().setMethod(method).setHost(host).setPort(port).setSsl("https".equals(scheme))
                .setURI(pathAndQuery).setHeaders(headers);
    }

    private HttpClient client() {
        if (Context.isOnEventLoopThread()) {
            return perEventLoop.computeIfAbsent(Thread.currentThread(), t -> vertx.createHttpClient(options, pool));
        }
        return shared;
    }

    void close() {
        shared.close();
        perEventLoop.values().forEach(HttpClient::close);
    }

    /** One streamed request/response: owns the emitter and decides how the stream ends, exactly once. */
    private static final class Exchange {
        private final HttpClientRequest request;
        private final MultiEmitter<? super EventStreamDecoder.Message> emitter;
        private final Predicate<EventStreamDecoder.Message> terminal;
        private final Runnable corrupted;
        private final EventStreamDecoder decoder = new EventStreamDecoder();
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile boolean headersReceived;

        Exchange(HttpClientRequest request, MultiEmitter<? super EventStreamDecoder.Message> emitter,
                Predicate<EventStreamDecoder.Message> terminal, Runnable corrupted) {
            this.request = request;
            this.emitter = emitter;
            this.terminal = terminal;
            this.corrupted = corrupted;
        }

        void send(Buffer body) {
            emitter.onTermination(() -> {
                if (ended.compareAndSet(false, true)) {
                    request.reset(); // cancelled by the caller (timeout, client gone): free the upstream now
                }
            });
            request.exceptionHandler(this::onError);
            request.send(body).onComplete(ar -> {
                if (ar.failed()) {
                    onError(ar.cause());
                } else {
                    onResponse(ar.result());
                }
            });
        }

        private void onResponse(HttpClientResponse response) {
            headersReceived = true;
            if (response.statusCode() != 200) {
                response.body().onComplete(b -> fail(BedrockErrors.classify(response.statusCode(),
                        response::getHeader, b.succeeded() ? b.result().toString() : "")));
                return;
            }
            response.handler(this::onBytes);
            response.exceptionHandler(this::onError);
            response.endHandler(v -> {
                if (decoder.buffered() > 0) {
                    fail(new ProviderException(Failure.CUT, "stream cut inside an event-stream message"));
                } else if (ended.compareAndSet(false, true)) {
                    emitter.complete();
                }
            });
        }

        private void onBytes(Buffer bytes) {
            if (ended.get()) {
                return; // draining after the terminal message or a failure
            }
            long before = decoder.corrupted();
            java.util.List<EventStreamDecoder.Message> messages;
            try {
                messages = decoder.feed(bytes);
            } catch (ProviderException e) {
                fail(e);
                return;
            }
            for (long i = before; i < decoder.corrupted(); i++) {
                corrupted.run();
            }
            for (EventStreamDecoder.Message m : messages) {
                if (ended.get()) {
                    return;
                }
                if (terminal.test(m)) {
                    emitter.emit(m);
                    if (ended.compareAndSet(false, true)) {
                        emitter.complete();
                    }
                    return;
                }
                emitter.emit(m);
            }
        }

        private void onError(Throwable t) {
            if (t instanceof ProviderException pe) {
                fail(pe);
            } else if (headersReceived) {
                fail(new ProviderException(Failure.CUT, "stream cut: " + t.getMessage()));
            } else {
                fail(HttpErrors.connectFailure(t));
            }
        }

        private void fail(ProviderException e) {
            if (ended.compareAndSet(false, true)) {
                emitter.fail(e);
            }
        }
    }
}
