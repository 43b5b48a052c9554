package dev.understudy.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A span sink for measuring the gateway with tracing on: accepts OTLP/HTTP exports on 127.0.0.1 and answers
 * 200 with an empty {@code ExportTraceServiceResponse}, decoding nothing, so the sink costs the machine as little
 * as possible. JDK only, runnable as a source file:
 * <pre>java src/test/java/dev/understudy/testing/OtlpSink.java 4318</pre>
 * then start the gateway with {@code -Dquarkus.otel.exporter.otlp.endpoint=http://127.0.0.1:4318} (OTLP/HTTP,
 * the gateway's only protocol). On exit (Ctrl-C, SIGTERM) it prints how many export
 * requests and bytes it took.
 */
public final class OtlpSink {

    private OtlpSink() {
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 4318;
        AtomicLong exports = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange; InputStream body = exchange.getRequestBody()) {
                bytes.addAndGet(body.transferTo(java.io.OutputStream.nullOutputStream()));
                exports.incrementAndGet();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.printf(
                "otlp sink: %d export requests, %d bytes%n", exports.get(), bytes.get())));
        server.start();
        System.out.println("otlp sink: listening on http://127.0.0.1:" + port + " (POST /v1/traces)");
    }
}
