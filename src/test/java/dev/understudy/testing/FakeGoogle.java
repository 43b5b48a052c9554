package dev.understudy.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Google's identity side, faked: the OAuth 2.0 token endpoint ({@code POST /token}) that exchanges a
 * service account's RS256 JWT assertion for an access token — checking, as Google does, the signature
 * against the service account's public key, the key id, the audience (this endpoint), the scope, and that
 * the assertion is current and lasts at most an hour — and the GCE/GKE metadata server
 * ({@code GET /computeMetadata/v1/instance/service-accounts/default/token}, only with
 * {@code Metadata-Flavor: Google}). Its {@link #gate} makes a {@link FakeProvider} a Vertex AI endpoint that
 * refuses a missing or expired token with 401 UNAUTHENTICATED.
 */
public final class FakeGoogle extends TokenServer {

    public static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A service account: its e-mail, key id and key pair (the private key only goes into its key file). */
    public record ServiceAccount(String email, String keyId, KeyPair keys) {

        /** The key file Google hands out, naming {@code tokenUri}. */
        public String json(String tokenUri) {
            String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(UTF_8))
                    .encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
            return JSON.createObjectNode().put("type", "service_account").put("project_id", "understudy-test")
                    .put("private_key_id", keyId).put("private_key", pem).put("client_email", email)
                    .put("client_id", "1234567890").put("token_uri", tokenUri).toString();
        }

        public Path write(Path file, String tokenUri) {
            try {
                return Files.writeString(file, json(tokenUri));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return "ServiceAccount[" + email + "]";
        }
    }

    private final Map<String, ServiceAccount> accounts = new ConcurrentHashMap<>();
    private volatile boolean metadata;

    private FakeGoogle() {
        super("ya29.fake-google-token-");
    }

    public static FakeGoogle start() {
        return new FakeGoogle();
    }

    public String tokenUri() {
        return baseUrl() + "/token";
    }

    /** host:port of the metadata server, as GCE_METADATA_HOST names it. */
    public String metadataHost() {
        return baseUrl().substring("http://".length());
    }

    /**
     * A service account this endpoint knows, its RSA-2048 key pair generated from {@code seed} (so the same
     * seed gives the same key in every JVM: the secret scan of the logs looks for it).
     */
    public ServiceAccount serviceAccount(String email, String seed) {
        ServiceAccount sa = new ServiceAccount(email, "key-" + Integer.toHexString(seed.hashCode()), keyPair(seed));
        accounts.put(email, sa);
        return sa;
    }

    /** Serves tokens on the metadata server path (off until called: as outside Google Cloud). */
    public FakeGoogle serveMetadata() {
        metadata = true;
        return this;
    }

    private static final Map<String, KeyPair> KEYS = new ConcurrentHashMap<>();

    /** An RSA-2048 key pair generated from {@code seed} (once per JVM and seed: generating one takes a while). */
    public static KeyPair keyPair(String seed) {
        return KEYS.computeIfAbsent(seed, FakeGoogle::generate);
    }

    private static KeyPair generate(String seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed.getBytes(UTF_8));
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void handle(HttpExchange ex, String body) throws IOException {
        String path = ex.getRequestURI().getPath();
        if ("POST".equals(ex.getRequestMethod()) && "/token".equals(path)) {
            exchangeAssertion(ex, form(body));
        } else if ("GET".equals(ex.getRequestMethod()) && metadata
                && "/computeMetadata/v1/instance/service-accounts/default/token".equals(path)) {
            if (!"Google".equals(ex.getRequestHeaders().getFirst("Metadata-Flavor"))) {
                reject(ex, 403, "forbidden", "Missing Metadata-Flavor:Google header.");
            } else {
                json(ex, 200, issue());
            }
        } else {
            json(ex, 404, "{\"error\":\"not_found\"}");
        }
    }

    private void exchangeAssertion(HttpExchange ex, Map<String, String> form) throws IOException {
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            reject(ex, 400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
            return;
        }
        String why = verify(form.getOrDefault("assertion", ""));
        if (why != null) {
            reject(ex, 400, "invalid_grant", why);
            return;
        }
        json(ex, 200, issue());
    }

    /** Null when the assertion is one Google would accept, else Google's reason. */
    private String verify(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return "Invalid JWT: not three segments";
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            JsonNode header = JSON.readTree(b64.decode(parts[0]));
            JsonNode claims = JSON.readTree(b64.decode(parts[1]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return "Invalid JWT: alg must be RS256";
            }
            ServiceAccount sa = accounts.get(claims.path("iss").asText());
            if (sa == null) {
                return "Invalid JWT: unknown issuer";
            }
            if (!sa.keyId().equals(header.path("kid").asText(sa.keyId()))) {
                return "Invalid JWT: unknown key id";
            }
            if (!signatureValid(sa.keys().getPublic(), parts[0] + "." + parts[1], b64.decode(parts[2]))) {
                return "Invalid JWT Signature.";
            }
            if (!tokenUri().equals(claims.path("aud").asText())) {
                return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
                        + "Check your iat and exp values in the JWT claim. (aud)";
            }
            if (!claims.path("scope").asText().contains(SCOPE)) {
                return "Invalid JWT: missing the cloud-platform scope";
            }
            long now = now().getEpochSecond();
            long iat = claims.path("iat").asLong();
            long exp = claims.path("exp").asLong();
            if (iat > now + 60 || exp <= now || exp - iat > 3600) {
                return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
            }
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return "Invalid JWT: unreadable";
        }
    }

    private static boolean signatureValid(PublicKey key, String signed, byte[] signature) {
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(key);
            rs256.update(signed.getBytes(UTF_8));
            return rs256.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    protected Script unauthenticated(String why) {
        return Script.json(401, "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication "
                + "credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential "
                + "(" + why + ").\",\"status\":\"UNAUTHENTICATED\"}}");
    }

    /** Now, as the tokens and assertions are judged. */
    public Instant clockNow() {
        return now();
    }
}
