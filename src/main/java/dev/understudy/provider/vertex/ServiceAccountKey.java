package dev.understudy.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * A Google service-account key file ({@code "type": "service_account"}) and the RS256-signed JWT assertion
 * that it exchanges for an access token (RFC 7523, Google's "OAuth 2.0 for server to server applications").
 * {@link #toString()} never shows the key.
 */
record ServiceAccountKey(String clientEmail, String privateKeyId, PrivateKey privateKey, String tokenUri) {

    static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
    static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
    /** Google accepts assertions valid for at most an hour. */
    static final long LIFETIME_SECONDS = 3600;

    /** Parses the key file's JSON; a problem is named by field, never by quoting the file. */
    static ServiceAccountKey parse(String json, String file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw misconfigured(file, "is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw misconfigured(file, "is not a JSON object");
        }
        String type = Json.text(root, "type");
        if (!"service_account".equals(type)) {
            throw misconfigured(file, "has type '" + type + "'; only service_account keys are supported");
        }
        String email = Json.text(root, "client_email");
        String pem = Json.text(root, "private_key");
        if (email == null || pem == null) {
            throw misconfigured(file, "has no client_email or private_key");
        }
        String tokenUri = Json.text(root, "token_uri");
        return new ServiceAccountKey(email, Json.text(root, "private_key_id"), privateKey(pem, file),
                tokenUri == null || tokenUri.isBlank() ? DEFAULT_TOKEN_URI : tokenUri);
    }

    /** The signed assertion: iss = the service account, aud = the token URI, one hour from {@code now}. */
    String assertion(Instant now) {
        ObjectNode header = Json.object().put("alg", "RS256").put("typ", "JWT");
        if (privateKeyId != null) {
            header.put("kid", privateKeyId);
        }
        long iat = now.getEpochSecond();
        ObjectNode claims = Json.object().put("iss", clientEmail).put("scope", CLOUD_PLATFORM)
                .put("aud", tokenUri).put("iat", iat).put("exp", iat + LIFETIME_SECONDS);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(Json.bytes(header)) + "." + b64.encodeToString(Json.bytes(claims));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(privateKey);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new ProviderException(Failure.MISCONFIGURED, "cannot sign the service-account assertion: "
                    + e.getClass().getSimpleName());
        }
    }

    /** A PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), as Google writes it. */
    private static PrivateKey privateKey(String pem, String file) {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw misconfigured(file, "has a private_key that is not a PKCS#8 RSA key");
        }
    }

    private static ProviderException misconfigured(String file, String what) {
        return new ProviderException(Failure.MISCONFIGURED, "credentials file " + file + " " + what);
    }

    @Override
    public String toString() {
        return "ServiceAccountKey[" + clientEmail + "]";
    }
}
