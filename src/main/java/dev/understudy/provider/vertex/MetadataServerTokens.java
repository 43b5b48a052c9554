package dev.understudy.provider.vertex;

import dev.understudy.provider.auth.AccessToken;
import dev.understudy.provider.auth.OAuthTokens;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Instant;

/**
 * Access tokens from the metadata server of the machine or pod: GCE and Cloud Run, and GKE workload identity,
 * where the GKE metadata server answers for the Kubernetes service account's bound Google service account.
 * {@code GCE_METADATA_HOST} overrides the address, as it does for Google's own client libraries.
 */
final class MetadataServerTokens extends OAuthTokens {

    static final String DEFAULT_HOST = "169.254.169.254";
    static final String TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token";

    private final String url;

    MetadataServerTokens(Vertx vertx, Clock clock, String host) {
        super(vertx, clock);
        this.url = (host.startsWith("http://") || host.startsWith("https://") ? host : "http://" + host) + TOKEN_PATH;
    }

    @Override
    protected Uni<AccessToken> fetch() {
        Instant now = clock.instant();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("Metadata-Flavor", "Google")
                .set("Accept", "application/json");
        return exchange(HttpMethod.GET, url, headers, null).map(reply -> token("metadata server " + url, reply, now));
    }

    @Override
    public String describe() {
        return "metadata server (" + url + ")";
    }
}
