package dev.understudy.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * A fake Amazon Bedrock Runtime on 127.0.0.1 (the JDK's HTTP server, one virtual thread per exchange).
 * It checks every request's SigV4 signature the way AWS does — recomputed here from the spec with the
 * test credentials, independently of the signer under test — and answers 403 when it does not match.
 * Converse answers JSON; ConverseStream answers in the binary {@code application/vnd.amazon.eventstream}
 * framing, encoded with AWS's reference encoder. Scripted per request with {@link Reply}.
 *
 * <p>It also plays the two credential services a pod uses: STS {@code AssumeRoleWithWebIdentity}
 * ({@code POST /}) and the EKS Pod Identity agent ({@code GET /v1/credentials}); the temporary credentials
 * they hand out are then accepted for signing.
 */
public final class FakeBedrock implements AutoCloseable {

    /** A secret and, for temporary credentials, the session token that must come with it. */
    private record Secret(String secretKey, String sessionToken) {
    }

    private static final Pattern AUTH = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)"
            + "/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    static {
        // the JDK server writes headers and body apart: without TCP_NODELAY each reply waits for a delayed ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final String region;
    private final HttpServer server;
    private final Map<String, Secret> credentials = new ConcurrentHashMap<>();
    private final Queue<Reply> queue = new ConcurrentLinkedQueue<>();
    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile Reply defaultReply = Reply.text("Hello from bedrock");
    private volatile String[] webIdentity; // {roleArn, token}
    private volatile String containerToken;
    private volatile Duration credentialLifetime = Duration.ofHours(1);
    private volatile java.util.function.Supplier<Instant> issueClock = Instant::now;

    private FakeBedrock(String region) throws IOException {
        this.region = region;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeBedrock start(String region) {
        try {
            return new FakeBedrock(region);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Accepts requests signed with these credentials (and, when given, this session token). */
    public FakeBedrock accept(String accessKeyId, String secretKey, String sessionToken) {
        credentials.put(accessKeyId, new Secret(secretKey, sessionToken));
        return this;
    }

    /** Answers STS AssumeRoleWithWebIdentity for this role and token with fresh temporary credentials. */
    public FakeBedrock acceptWebIdentity(String roleArn, String token) {
        webIdentity = new String[] {roleArn, token};
        return this;
    }

    /** Answers GET /v1/credentials (the EKS Pod Identity agent) when Authorization carries this token. */
    public FakeBedrock acceptContainerToken(String token) {
        containerToken = token;
        return this;
    }

    /** How long the temporary credentials handed out from now on last. */
    public void credentialLifetime(Duration lifetime) {
        credentialLifetime = lifetime;
    }

    /** The clock temporary credentials expire by (a test's own clock, so it can move past their expiry). */
    public void issueClock(java.util.function.Supplier<Instant> clock) {
        issueClock = clock;
    }

    /** Temporary credentials handed out so far (STS and container endpoint). */
    public int credentialsIssued() {
        return issued.get();
    }

    public void enqueue(Reply... replies) {
        queue.addAll(List.of(replies));
    }

    public void setDefault(Reply reply) {
        defaultReply = Objects.requireNonNull(reply);
    }

    /** Clears scripts, recordings and counters (credentials stay accepted). */
    public void reset() {
        queue.clear();
        recorded.clear();
        rejections.clear();
        probes.set(0);
        defaultReply = Reply.text("Hello from bedrock");
    }

    /** Model requests (Converse and ConverseStream) whose signature checked out, in order. */
    public List<Recorded> requests() {
        return List.copyOf(recorded);
    }

    public Recorded lastRequest() {
        return recorded.isEmpty() ? null : recorded.getLast();
    }

    /** Why each refused request was refused ({@code InvalidSignatureException: ...}), in order. */
    public List<String> rejections() {
        return List.copyOf(rejections);
    }

    /** Signed GET probes (ListAsyncInvokes) answered. */
    public int probeCount() {
        return probes.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ------------------------------------------------------------------ serving

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getRawPath();
            if ("POST".equals(ex.getRequestMethod()) && "/".equals(path)) {
                sts(ex, new String(body, UTF_8));
                return;
            }
            if ("GET".equals(ex.getRequestMethod()) && "/v1/credentials".equals(path)) {
                container(ex);
                return;
            }
            String refusal = verifySignature(ex, body);
            if (refusal != null) {
                rejections.add(refusal);
                int colon = refusal.indexOf(':');
                error(ex, 403, refusal.substring(0, colon), refusal.substring(colon + 2));
                return;
            }
            if ("GET".equals(ex.getRequestMethod()) && "/async-invoke".equals(path)) {
                probes.incrementAndGet();
                json(ex, 200, "{\"asyncInvokeSummaries\":[]}");
                return;
            }
            Matcher model = Pattern.compile("/model/([^/]+)/(converse|converse-stream)").matcher(path);
            if (!"POST".equals(ex.getRequestMethod()) || !model.matches()) {
                error(ex, 404, "UnknownOperationException", "no such operation: " + path);
                return;
            }
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(", ", v)));
            recorded.add(new Recorded("POST", path, headers, new String(body, UTF_8)));
            Reply reply = Objects.requireNonNullElse(queue.poll(), defaultReply);
            reply.run(ex, "converse-stream".equals(model.group(2)));
        }
    }

    private void sts(HttpExchange ex, String form) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), UTF_8), URLDecoder.decode(pair.substring(eq + 1), UTF_8));
        }
        String[] expected = webIdentity;
        if (!"AssumeRoleWithWebIdentity".equals(params.get("Action")) || expected == null
                || !expected[0].equals(params.get("RoleArn")) || !expected[1].equals(params.get("WebIdentityToken"))) {
            respond(ex, 400, "text/xml", Map.of(), ("<ErrorResponse><Error><Type>Sender</Type>"
                    + "<Code>InvalidIdentityToken</Code><Message>Couldn't verify the web identity token</Message>"
                    + "</Error></ErrorResponse>").getBytes(UTF_8));
            return;
        }
        String[] c = issue();
        respond(ex, 200, "text/xml", Map.of(), ("""
                <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <AssumeRoleWithWebIdentityResult>
                    <Credentials>
                      <SessionToken>%s</SessionToken>
                      <SecretAccessKey>%s</SecretAccessKey>
                      <Expiration>%s</Expiration>
                      <AccessKeyId>%s</AccessKeyId>
                    </Credentials>
                  </AssumeRoleWithWebIdentityResult>
                </AssumeRoleWithWebIdentityResponse>""".formatted(c[2], c[1], c[3], c[0])).getBytes(UTF_8));
    }

    private void container(HttpExchange ex) throws IOException {
        String token = containerToken;
        if (token == null || !token.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            json(ex, 401, "{\"message\":\"invalid authorization token\"}");
            return;
        }
        String[] c = issue();
        json(ex, 200, "{\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\",\"Token\":\"%s\",\"Expiration\":\"%s\"}"
                .formatted(c[0], c[1], c[2], c[3]));
    }

    /** New temporary credentials {id, secret, token, expiration}, accepted from now on. */
    private String[] issue() {
        int n = issued.incrementAndGet();
        String id = "ASIAFAKE%012d".formatted(n);
        String secret = "fakeSecret/" + n + "+" + Long.toHexString(System.nanoTime());
        String token = "FakeSessionToken" + n + "/" + Long.toHexString(System.nanoTime()) + "==";
        accept(id, secret, token);
        return new String[] {id, secret, token, issueClock.get().plus(credentialLifetime).toString()};
    }

    // --------------------------------------------------------------- SigV4 check

    /** Null when the request is signed correctly; else "ErrorType: message", as AWS would answer. */
    private String verifySignature(HttpExchange ex, byte[] body) {
        Headers h = ex.getRequestHeaders();
        String auth = h.getFirst("Authorization");
        if (auth == null) {
            return "MissingAuthenticationTokenException: Missing Authentication Token";
        }
        Matcher m = AUTH.matcher(auth);
        if (!m.matches()) {
            return "IncompleteSignatureException: Authorization header is not AWS4-HMAC-SHA256";
        }
        String keyId = m.group(1);
        String date = m.group(2);
        List<String> signedHeaders = List.of(m.group(5).split(";"));
        Secret secret = credentials.get(keyId);
        if (secret == null) {
            return "UnrecognizedClientException: The security token included in the request is invalid.";
        }
        if (!region.equals(m.group(3)) || !"bedrock".equals(m.group(4))) {
            return "InvalidSignatureException: Credential should be scoped to " + region + "/bedrock, not "
                    + m.group(3) + "/" + m.group(4);
        }
        String amzDate = h.getFirst("X-Amz-Date");
        if (amzDate == null || !amzDate.startsWith(date) || !signedHeaders.contains("x-amz-date")
                || !signedHeaders.contains("host")) {
            return "IncompleteSignatureException: X-Amz-Date and Host must be present and signed";
        }
        Instant at = Instant.from(AMZ_DATE.parse(amzDate));
        if (Duration.between(at, Instant.now()).abs().compareTo(Duration.ofMinutes(5)) > 0) {
            return "InvalidSignatureException: Signature expired: " + amzDate + " is too far from now";
        }
        if (secret.sessionToken() != null && (!secret.sessionToken().equals(h.getFirst("X-Amz-Security-Token"))
                || !signedHeaders.contains("x-amz-security-token"))) {
            return "UnrecognizedClientException: The security token included in the request is invalid.";
        }
        String payloadHash = hex(sha256(body));
        String claimedHash = h.getFirst("X-Amz-Content-Sha256");
        if (claimedHash != null && !claimedHash.equals(payloadHash)) {
            return "InvalidSignatureException: The provided x-amz-content-sha256 header does not match the payload";
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders) {
            List<String> values = h.get(name);
            if (values == null) {
                return "InvalidSignatureException: signed header " + name + " is missing";
            }
            canonicalHeaders.append(name).append(':').append(String.join(",", values.stream()
                    .map(v -> v.trim().replaceAll(" +", " ")).toList())).append('\n');
        }
        String canonicalRequest = ex.getRequestMethod() + "\n"
                + canonicalUri(ex.getRequestURI().getRawPath()) + "\n"
                + canonicalQuery(ex.getRequestURI().getRawQuery()) + "\n"
                + canonicalHeaders + "\n"
                + String.join(";", signedHeaders) + "\n"
                + payloadHash;
        String scope = date + "/" + region + "/bedrock/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonicalRequest.getBytes(UTF_8)));
        byte[] key = hmac(("AWS4" + secret.secretKey()).getBytes(UTF_8), date);
        key = hmac(hmac(hmac(key, region), "bedrock"), "aws4_request");
        String expected = hex(hmac(key, toSign));
        if (!MessageDigest.isEqual(expected.getBytes(UTF_8), m.group(6).getBytes(UTF_8))) {
            return "InvalidSignatureException: The request signature we calculated does not match the signature you "
                    + "provided. Check your AWS Secret Access Key and signing method.";
        }
        return null;
    }

    /** Every path segment percent-encoded once more (SigV4 double-encodes for every service but S3). */
    private static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.split("/", -1)) {
            segments.add(uriEncode(s));
        }
        return String.join("/", segments);
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            sorted.put(uriEncode(URLDecoder.decode(k, UTF_8)), uriEncode(URLDecoder.decode(v, UTF_8)));
        }
        List<String> parts = new ArrayList<>();
        sorted.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join("&", parts);
    }

    private static String uriEncode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(UTF_8)) {
            int c = b & 0xff;
            if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return sb.toString();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    // ------------------------------------------------------------------ replies

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        respond(ex, status, "application/json", Map.of(), body.getBytes(UTF_8));
    }

    private static void error(HttpExchange ex, int status, String type, String message) throws IOException {
        respond(ex, status, "application/json", Map.of("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/"
                + "com.amazon.bedrock/"), ("{\"message\":" + TextNode.valueOf(message) + "}").getBytes(UTF_8));
    }

    private static void respond(HttpExchange ex, int status, String type, Map<String, String> headers, byte[] body)
            throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        headers.forEach(ex.getResponseHeaders()::set);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    /** How the fake answers one model request. Immutable: modifiers return a new reply. */
    public static final class Reply {

        private final List<String> pieces;
        private final String stopReason;
        private final int status;
        private final String errorType;
        private final String errorMessage;
        private final int faultAt;
        private final String exceptionType;
        private final boolean corrupt;

        private Reply(List<String> pieces, String stopReason, int status, String errorType, String errorMessage,
                int faultAt, String exceptionType, boolean corrupt) {
            this.pieces = pieces;
            this.stopReason = stopReason;
            this.status = status;
            this.errorType = errorType;
            this.errorMessage = errorMessage;
            this.faultAt = faultAt;
            this.exceptionType = exceptionType;
            this.corrupt = corrupt;
        }

        /** An answer: Converse gets the pieces joined, ConverseStream one contentBlockDelta per piece. */
        public static Reply text(String... pieces) {
            return new Reply(List.of(pieces), "end_turn", 200, null, null, -1, null, false);
        }

        /** An error status with Bedrock's x-amzn-ErrorType header and {"message":...} body. */
        public static Reply error(int status, String type, String message) {
            return new Reply(List.of(), null, status, type, message, -1, null, false);
        }

        /** 429 ThrottlingException, as Bedrock sends it. */
        public static Reply throttled() {
            return error(429, "ThrottlingException", "Too many requests, please wait before trying again.");
        }

        public Reply stopReason(String reason) {
            return new Reply(pieces, reason, status, errorType, errorMessage, faultAt, exceptionType, corrupt);
        }

        /** Streams n pieces, then an in-band exception message (e.g. throttlingException), then ends the body. */
        public Reply exceptionAfter(int n, String type, String message) {
            return new Reply(pieces, stopReason, status, type, message, n, type, false);
        }

        /** Streams n pieces, then one message whose CRC does not match, then the rest. */
        public Reply corruptFrameAfter(int n) {
            return new Reply(pieces, stopReason, status, errorType, errorMessage, n, null, true);
        }

        void run(HttpExchange ex, boolean stream) throws IOException {
            if (status != 200) {
                FakeBedrock.error(ex, status, errorType, errorMessage);
            } else if (!stream) {
                int out = words();
                json(ex, 200, """
                        {"output":{"message":{"role":"assistant","content":[{"text":%s}]}},"stopReason":"%s",\
                        "usage":{"inputTokens":10,"outputTokens":%d,"totalTokens":%d},"metrics":{"latencyMs":12}}"""
                        .formatted(TextNode.valueOf(String.join("", pieces)), stopReason, out, 10 + out));
            } else {
                stream(ex);
            }
        }

        private void stream(HttpExchange ex) throws IOException {
            ex.getResponseHeaders().set("Content-Type", "application/vnd.amazon.eventstream");
            ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
            ex.sendResponseHeaders(200, 0); // chunked
            OutputStream out = ex.getResponseBody();
            event(out, "messageStart", "{\"role\":\"assistant\"}");
            for (int i = 0; i < pieces.size(); i++) {
                if (i == faultAt) {
                    if (exceptionType != null) {
                        exception(out);
                        return;
                    }
                    if (corrupt) {
                        byte[] bad = frame("contentBlockDelta", delta("CORRUPTED"));
                        bad[bad.length - 20] ^= 0x55; // inside the payload: the message CRC no longer matches
                        write(out, bad);
                    }
                }
                event(out, "contentBlockDelta", delta(pieces.get(i)));
            }
            if (faultAt == pieces.size() && exceptionType != null) {
                exception(out);
                return;
            }
            event(out, "contentBlockStop", "{\"contentBlockIndex\":0}");
            event(out, "messageStop", "{\"stopReason\":\"" + stopReason + "\"}");
            int words = words();
            event(out, "metadata", "{\"usage\":{\"inputTokens\":10,\"outputTokens\":%d,\"totalTokens\":%d},"
                    .formatted(words, 10 + words) + "\"metrics\":{\"latencyMs\":12}}");
        }

        private static String delta(String text) {
            // "p" is the padding Bedrock adds to every event so sizes do not leak the text
            return "{\"contentBlockIndex\":0,\"delta\":{\"text\":" + TextNode.valueOf(text) + "},\"p\":\"abcdefgh\"}";
        }

        private void exception(OutputStream out) throws IOException {
            Map<String, HeaderValue> headers = new LinkedHashMap<>();
            headers.put(":message-type", HeaderValue.fromString("exception"));
            headers.put(":exception-type", HeaderValue.fromString(exceptionType));
            headers.put(":content-type", HeaderValue.fromString("application/json"));
            write(out, encode(headers, "{\"message\":" + TextNode.valueOf(errorMessage) + "}"));
        }

        private static void event(OutputStream out, String type, String json) throws IOException {
            write(out, frame(type, json));
        }

        private static byte[] frame(String type, String json) {
            Map<String, HeaderValue> headers = new LinkedHashMap<>();
            headers.put(":event-type", HeaderValue.fromString(type));
            headers.put(":content-type", HeaderValue.fromString("application/json"));
            headers.put(":message-type", HeaderValue.fromString("event"));
            return encode(headers, json);
        }

        private static byte[] encode(Map<String, HeaderValue> headers, String json) {
            ByteBuffer b = new Message(headers, json.getBytes(UTF_8)).toByteBuffer();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        }

        private static void write(OutputStream out, byte[] frame) throws IOException {
            out.write(frame);
            out.flush(); // one chunk per message, as Bedrock sends them
        }

        private int words() {
            String all = String.join("", pieces);
            return all.isBlank() ? 0 : all.trim().split("\\s+").length;
        }
    }
}
