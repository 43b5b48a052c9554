package dev.understudy.provider.auth;

import dev.understudy.provider.ProviderException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;

/**
 * A provider's request headers with {@code Authorization: Bearer <access token>} from a refreshing token
 * source; the headers are built once per token, not per request. A 401 drops the token, so the next request
 * fetches a fresh one (a token revoked or expired early).
 */
public final class BearerHeaders {

    private record Built(AccessToken token, MultiMap headers) {
    }

    private final OAuthTokens tokens;
    private final MultiMap fixed;
    private volatile Built last;

    public BearerHeaders(OAuthTokens tokens, MultiMap fixed) {
        this.tokens = tokens;
        this.fixed = fixed;
    }

    public Uni<MultiMap> get() {
        return tokens.get().map(this::headersFor);
    }

    private MultiMap headersFor(AccessToken token) {
        Built b = last;
        if (b != null && b.token() == token) {
            return b.headers();
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(fixed).set("Authorization", token.bearer());
        last = new Built(token, headers);
        return headers;
    }

    /** Passes {@code e} on, dropping the token first when the provider refused it. */
    public ProviderException refused(ProviderException e) {
        if (e.status() == 401) {
            tokens.invalidate();
        }
        return e;
    }

    public String describe() {
        return tokens.describe();
    }
}
