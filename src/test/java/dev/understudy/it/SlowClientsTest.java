package dev.understudy.it;

import static dev.understudy.testing.FakeProviders.primary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.Await;
import dev.understudy.testing.FakeProvider;
import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import dev.understudy.testing.Script;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slow clients hold nothing for long: a body that trickles in (slowloris) gets a 408 at the body timeout
 * (2 s in this profile) before any provider is called; a streaming caller that stops reading is dropped at
 * the write-stall timeout (1 s here) and its upstream request is cancelled.
 */
@QuarkusTest
@TestProfile(GatewayProfile.class)
class SlowClientsTest {

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @Test
    void aCallerThatTricklesItsBodyGets408AndItsConnectionClosedBeforeAnyProviderIsCalled() throws IOException {
        String body = Calls.body("chain", false);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 10))
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            long start = System.nanoTime();
            socket.setSoTimeout(6000);
            String response = readUntilClosed(socket.getInputStream());
            long took = millisSince(start);

            assertThat(response).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"");
            assertThat(took).as("answered at the 2 s body timeout").isBetween(1500L, 5000L);
        }
        assertThat(primary().requestCount()).as("no provider was called for a body that never came").isZero();
    }

    @Test
    void aBodyThatComesInSeveralChunksIsReadWhole() throws IOException {
        String body = Calls.body("chain", false);
        int third = body.length() / 3;
        StringBuilder chunked = new StringBuilder();
        for (String piece : new String[] {body.substring(0, third), body.substring(third, 2 * third),
                body.substring(2 * third)}) { // one HTTP chunk each: the gateway sees three pieces, however they travel
            chunked.append(Integer.toHexString(piece.length())).append("\r\n").append(piece).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + chunked).getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            socket.setSoTimeout(6000);
            String response = readUntilClosed(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200").contains("x-understudy-source: provider");
        }
        assertThat(primary().lastRequest().body()).as("the provider got the caller's whole question")
                .contains("\"content\":\"Say hello\"");
    }

    @Test
    void aStreamingCallerThatStopsReadingIsDroppedAndItsUpstreamCancelled() throws IOException {
        awaitNoUpstreamHeld();
        String piece = "x".repeat(4096);
        String[] pieces = new String[3000]; // 12 MB: more than the loopback socket buffers can swallow
        java.util.Arrays.fill(pieces, piece);
        // route 'patient': idle timeout 10 s, so only the caller being dropped can end the stalled upstream early
        primary().enqueue(Script.openAiStream(pieces).stallAfter(pieces.length));
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 2000);
            String body = Calls.body("patient", true);
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            // ...and never reads a byte of the answer
            assertThat(Await.within(Duration.ofSeconds(5), Duration.ofMillis(20), () -> FakeProvider.held() > 0))
                    .as("the upstream stream started").isTrue();
            assertThat(Await.within(Duration.ofSeconds(5), Duration.ofMillis(20), () -> FakeProvider.held() == 0))
                    .as("upstream freed at the 1 s write-stall timeout, not the 10 s idle timeout").isTrue();
            socket.setSoTimeout(5000);
            assertThat(drainedToEnd(socket.getInputStream())).as("the caller's connection was closed").isTrue();
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 2000);
        return socket;
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) != -1; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the gateway kept the connection open: " + all.toString(StandardCharsets.UTF_8));
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /** Reads what the gateway had sent until the end of the connection: true at EOF or a reset. */
    private static boolean drainedToEnd(InputStream in) throws IOException {
        byte[] buf = new byte[65536];
        try {
            while (in.read(buf) != -1) {
                // the events written before the drop
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static void awaitNoUpstreamHeld() { // earlier tests' stalls end by their timeouts
        assertThat(Await.within(Duration.ofSeconds(3), Duration.ofMillis(20), () -> FakeProvider.held() == 0))
                .as("no upstream held by an earlier test").isTrue();
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
