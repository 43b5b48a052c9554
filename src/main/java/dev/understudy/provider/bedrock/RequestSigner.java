package dev.understudy.provider.bedrock;

import io.vertx.core.MultiMap;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * AWS Signature Version 4 for one Bedrock endpoint, through the AWS SDK's own signer
 * ({@code software.amazon.awssdk:http-auth-aws}, without the rest of the SDK). Each request is signed on the
 * exact bytes it sends: the payload hash, {@code Host}, {@code X-Amz-Date}, {@code X-Amz-Security-Token}
 * when the credentials are temporary, and every header passed in. About 25 µs for a 2 KB body.
 */
final class RequestSigner {

    static final String SERVICE = "bedrock";
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final String region;
    private final String scheme;
    private final String host;
    private final int port;
    private final Clock clock;
    /** The SDK identity of the last credentials seen: they change hourly at most, requests come much more often. */
    private volatile Identity identity;

    private record Identity(AwsCredentials credentials, AwsCredentialsIdentity sdk) {
    }

    /** @param clock the signing time source (tests fix it); null for the system clock */
    RequestSigner(String region, String scheme, String host, int port, Clock clock) {
        this.region = region;
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.clock = clock;
    }

    /**
     * The headers to send: {@code headers} plus Host, X-Amz-Date, X-Amz-Content-Sha256, X-Amz-Security-Token
     * (temporary credentials) and Authorization.
     *
     * @param rawPath the path exactly as it goes on the wire (already percent-encoded)
     * @param query   query parameters, unencoded (the signer encodes them canonically); may be empty
     */
    MultiMap sign(SdkHttpMethod method, String rawPath, Map<String, String> query, MultiMap headers, byte[] body,
            AwsCredentials credentials) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(method).protocol(scheme).host(host).port(port)
                .encodedPath(rawPath);
        query.forEach(request::putRawQueryParameter);
        headers.forEach(h -> request.appendHeader(h.getKey(), h.getValue()));
        AwsCredentialsIdentity id = identity(credentials);
        SignedRequest signed = SIGNER.sign(r -> {
            r.identity(id).request(request.build())
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region);
            if (body != null) {
                r.payload(ContentStreamProvider.fromByteArrayUnsafe(body));
            }
            if (clock != null) {
                r.putProperty(HttpSigner.SIGNING_CLOCK, clock);
            }
        });
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
            out.add(h.getKey(), h.getValue());
        }
        return out;
    }

    private AwsCredentialsIdentity identity(AwsCredentials c) {
        Identity known = identity;
        if (known != null && known.credentials == c) {
            return known.sdk;
        }
        AwsCredentialsIdentity sdk = c.sessionToken() != null
                ? AwsSessionCredentialsIdentity.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())
                : AwsCredentialsIdentity.create(c.accessKeyId(), c.secretAccessKey());
        identity = new Identity(c, sdk);
        return sdk;
    }
}
