package dev.understudy.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.*;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scriptable fake LLM provider for integration tests: a hand-written HTTP/1.1 server on a raw
 * {@link ServerSocket} (127.0.0.1, free port, one virtual thread per connection, keep-alive) so
 * that tests can provoke socket-level faults. Each request takes the next queued {@link Script},
 * or the default script when the queue is empty.
 */
public final class FakeProvider implements AutoCloseable {

    private final String name;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Queue<Script> queue = new ConcurrentLinkedQueue<>();
    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Script defaultScript;
    /** Health probes (GET, e.g. /v1/models) take this script, never the queue, and are not recorded. */
    private volatile Script probeScript = PROBE_OK;
    private final AtomicInteger probes = new AtomicInteger();
    /** Checks each request's credentials first: a Script refuses it (not recorded), null lets it through. */
    private volatile java.util.function.Function<Recorded, Script> gate = r -> null;
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    /** The gateway's trials and idle checks: a chat request with this fixed prompt. */
    public static final String TRIAL_PROMPT = "Reply with OK.";
    private final AtomicInteger trials = new AtomicInteger();
    private static final Script PROBE_OK = Script.json(200, "{\"object\":\"list\",\"data\":[]}");

    private FakeProvider(String name) throws IOException {
        this.name = name;
        this.defaultScript = initialDefault();
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread.ofVirtual().name("fake-" + name + "-accept").start(this::acceptLoop);
    }

    public static FakeProvider start(String name) {
        try {
            return new FakeProvider(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() { return server.getLocalPort(); }

    public String baseUrl() { return "http://127.0.0.1:" + port(); }

    public void enqueue(Script... scripts) { queue.addAll(List.of(scripts)); }

    public void setDefault(Script script) { defaultScript = Objects.requireNonNull(script); }

    /** How GET probes are answered from now on (default: 200 with an empty model list). */
    public void setProbeResponse(Script script) { probeScript = Objects.requireNonNull(script); }

    /**
     * Checks every request (probes too) before it is served, as a cloud endpoint checks its token: a non-null
     * Script answers instead, and the request is counted as refused rather than recorded. Survives reset().
     */
    public void admit(java.util.function.Function<Recorded, Script> gate) { this.gate = Objects.requireNonNull(gate); }

    /** "METHOD path" of each request the gate refused since the last reset. */
    public List<String> refusals() { return List.copyOf(refusals); }

    /** Number of GET probes received since the last reset. */
    public int probeCount() { return probes.get(); }

    /**
     * Number of trial chat requests (the gateway's fixed one-token prompt) since the last reset. They take
     * the default script, never the queue, and are not among {@link #requests()}: callers' requests are.
     */
    public int trialCount() { return trials.get(); }

    /** Clears queued scripts and recorded requests and restores the initial default script. */
    public void reset() {
        queue.clear();
        recorded.clear();
        defaultScript = initialDefault();
        probeScript = PROBE_OK;
        probes.set(0);
        refusals.clear();
        trials.set(0);
    }

    public List<Recorded> requests() { return List.copyOf(recorded); }

    public int requestCount() { return recorded.size(); }

    public Recorded lastRequest() { return recorded.isEmpty() ? null : recorded.getLast(); }

    /** Connections held open by silent or stalled scripts, across all fakes, until the peer lets go. */
    static final AtomicInteger HOLDING = new AtomicInteger();

    /** How many silent/stalled exchanges are still held open: 0 once every peer has gone away. */
    public static int held() { return HOLDING.get(); }

    /** Number of TCP connections accepted so far (useful to check connection reuse). */
    public int connectionCount() { return connections.get(); }

    @Override
    public void close() {
        closed.countDown();
        closeQuietly(server);
        sockets.forEach(FakeProvider::closeQuietly);
    }

    private Script initialDefault() { return Script.openAiAnswer("Hello from " + name); }

    private void acceptLoop() {
        while (closed.getCount() > 0) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                connections.incrementAndGet();
                if (closed.getCount() == 0) closeQuietly(socket);
                Thread.ofVirtual().name("fake-" + name + "-conn").start(() -> serve(socket));
            } catch (IOException e) {
                if (server.isClosed()) return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            Conn conn = new Conn(socket, closed);
            Recorded request;
            while ((request = readRequest(conn.in, conn.out)) != null) {
                Script script = gate.apply(request);
                if (script != null) {
                    refusals.add(request.method() + " " + request.path());
                } else if ("GET".equals(request.method())) {
                    probes.incrementAndGet();
                    script = probeScript;
                } else if (request.body().contains(TRIAL_PROMPT)) {
                    trials.incrementAndGet();
                    script = defaultScript;
                } else {
                    recorded.add(request);
                    script = Objects.requireNonNullElse(queue.poll(), defaultScript);
                }
                boolean keepAlive = script.run(conn, request);
                if (!keepAlive || "close".equalsIgnoreCase(request.header("Connection"))) return;
            }
        } catch (IOException | RuntimeException e) {
            // peer went away, server closed, or a deliberately broken exchange: nothing to do
        } finally {
            sockets.remove(socket);
        }
    }

    /** Reads one request (Content-Length or chunked body); null on a clean EOF between requests. */
    private static Recorded readRequest(InputStream in, OutputStream out) throws IOException {
        String requestLine;
        do {
            requestLine = readLine(in, true);
            if (requestLine == null) return null;
        } while (requestLine.isEmpty());
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line; !(line = readLine(in, false)).isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim(), line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
        }
        if ("100-continue".equalsIgnoreCase(headers.get("Expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(ISO_8859_1));
            out.flush();
        }
        byte[] body;
        if (headers.getOrDefault("Transfer-Encoding", "").toLowerCase().contains("chunked")) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(readLine(in, false).split(";")[0].trim(), 16)) > 0; ) {
                buffer.write(readExactly(in, size));
                readLine(in, false);
            }
            while (!readLine(in, false).isEmpty()) { } // trailers
            body = buffer.toByteArray();
        } else {
            body = readExactly(in, Integer.parseInt(headers.getOrDefault("Content-Length", "0").trim()));
        }
        return new Recorded(parts[0], parts.length > 1 ? parts[1] : "/", headers, new String(body, UTF_8));
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) throw new EOFException("truncated request body");
        return bytes;
    }

    private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b == -1) {
                if (eofAllowed && line.size() == 0) return null;
                throw new EOFException("connection closed mid-request");
            }
            if (b != '\r') line.write(b);
        }
        return line.toString(ISO_8859_1);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
        }
    }

    /** One connection as seen by a running {@link Script}: raw writing helpers and fault primitives. */
    static final class Conn {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        private final CountDownLatch serverClosed;
        private int eventsInResponse;

        Conn(Socket socket, CountDownLatch serverClosed) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = new BufferedOutputStream(socket.getOutputStream());
            this.serverClosed = serverClosed;
        }

        /** Complete response with Content-Length; the connection stays usable. */
        boolean respond(int status, String contentType, String body, Map<String, String> extra) throws IOException {
            byte[] bytes = body.getBytes(UTF_8);
            out.write(head(status, contentType, extra).append("Content-Length: ").append(bytes.length)
                    .append("\r\n\r\n").toString().getBytes(ISO_8859_1));
            out.write(bytes);
            out.flush();
            return true;
        }

        void startChunked(String contentType, Map<String, String> extra) throws IOException {
            eventsInResponse = 0;
            out.write(head(200, contentType, extra).append("Cache-Control: no-cache\r\n")
                    .append("Transfer-Encoding: chunked\r\n\r\n").toString().getBytes(ISO_8859_1));
            out.flush();
        }

        /** Writes one SSE event as its own flushed chunk, waiting {@code interval} between events. */
        void event(String sse, Duration interval) throws IOException {
            if (eventsInResponse++ > 0) pause(interval);
            byte[] data = sse.getBytes(UTF_8);
            out.write((Integer.toHexString(data.length) + "\r\n").getBytes(ISO_8859_1));
            out.write(data);
            out.write("\r\n".getBytes(ISO_8859_1));
            out.flush();
        }

        void endChunked() throws IOException {
            out.write("0\r\n\r\n".getBytes(ISO_8859_1));
            out.flush();
        }

        /** Sleeps; when the provider is closed meanwhile, wakes up at once and aborts the exchange. */
        void pause(Duration d) throws IOException {
            if (d == null || d.isZero() || d.isNegative()) return;
            try {
                if (serverClosed.await(d.toMillis(), TimeUnit.MILLISECONDS)) throw new IOException("provider closed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        /** Keeps the socket open, writing nothing, until the peer disconnects or the provider closes. */
        void hold() {
            HOLDING.incrementAndGet();
            try {
                while (in.read() != -1) { }
            } catch (IOException ignored) {
            } finally {
                HOLDING.decrementAndGet();
            }
        }

        /** Ends the connection mid-body: FIN with the chunked body unterminated. */
        void cut() throws IOException {
            socket.shutdownOutput();
            socket.close();
        }

        /** Abortive close: RST instead of FIN, no further bytes. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        private static StringBuilder head(int status, String contentType, Map<String, String> extra) {
            StringBuilder h = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
            if (extra.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
                h.append("Content-Type: ").append(contentType).append("\r\n");
            }
            extra.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
            return h;
        }

        private static String reason(int status) { // clients ignore it; keep the common ones readable in dumps
            return switch (status) {
                case 200 -> "OK";
                case 429 -> "Too Many Requests";
                case 500, 502, 503, 504, 529 -> "Upstream Error";
                default -> "Status " + status;
            };
        }
    }
}
