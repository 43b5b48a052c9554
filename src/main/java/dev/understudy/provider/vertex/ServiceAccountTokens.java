package dev.understudy.provider.vertex;

import dev.understudy.provider.auth.AccessToken;
import dev.understudy.provider.auth.OAuthTokens;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Access tokens for a service-account key file: an RS256 JWT assertion signed with the file's key, exchanged
 * at the file's {@code token_uri} (grant type {@code jwt-bearer}). The file is read again on every refresh,
 * so a rotated key is picked up; parsing and signing run on a worker thread, off the event loop.
 */
final class ServiceAccountTokens extends OAuthTokens {

    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private final String file;

    ServiceAccountTokens(Vertx vertx, Clock clock, String file) {
        super(vertx, clock);
        this.file = file;
    }

    @Override
    protected Uni<AccessToken> fetch() {
        Instant now = clock.instant();
        return readToken(file)
                .flatMap(json -> Uni.createFrom().completionStage(() -> vertx.executeBlocking(() -> {
                    ServiceAccountKey key = ServiceAccountKey.parse(json, file);
                    return new Signed(key.tokenUri(), key.assertion(now));
                }, false).toCompletionStage()))
                .onFailure(java.util.concurrent.CompletionException.class).transform(Throwable::getCause)
                .flatMap(signed -> {
                    Map<String, String> form = new LinkedHashMap<>();
                    form.put("grant_type", JWT_BEARER);
                    form.put("assertion", signed.assertion());
                    return exchange(HttpMethod.POST, signed.tokenUri(), formHeaders(), form(form))
                            .map(reply -> token("Google token exchange at " + signed.tokenUri(), reply, now));
                });
    }

    private record Signed(String tokenUri, String assertion) {
        @Override
        public String toString() {
            return "Signed[" + tokenUri + "]";
        }
    }

    @Override
    public String describe() {
        return "service-account key file " + file;
    }
}
