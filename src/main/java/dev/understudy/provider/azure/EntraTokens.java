package dev.understudy.provider.azure;

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
 * Microsoft Entra ID access tokens for Azure OpenAI (scope {@code https://cognitiveservices.azure.com/.default}),
 * client-credentials grant at the tenant's v2.0 token endpoint, the application proven either by a client
 * secret or by a client assertion: the federated token that AKS workload identity projects into the pod
 * (read again on every refresh, because the kubelet rotates it).
 */
final class EntraTokens extends OAuthTokens {

    static final String SCOPE = "https://cognitiveservices.azure.com/.default";
    static final String JWT_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final String tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private final String federatedTokenFile;

    /** Exactly one of {@code clientSecret} and {@code federatedTokenFile} is non-null. */
    EntraTokens(Vertx vertx, Clock clock, String tokenUrl, String clientId, String clientSecret,
            String federatedTokenFile) {
        super(vertx, clock);
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.federatedTokenFile = federatedTokenFile;
    }

    @Override
    protected Uni<AccessToken> fetch() {
        Instant now = clock.instant();
        Uni<String> assertion = federatedTokenFile == null ? Uni.createFrom().nullItem()
                : readToken(federatedTokenFile);
        return assertion.flatMap(jwt -> {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "client_credentials");
            form.put("client_id", clientId);
            form.put("scope", SCOPE);
            if (jwt != null) {
                form.put("client_assertion_type", JWT_ASSERTION);
                form.put("client_assertion", jwt);
            } else {
                form.put("client_secret", clientSecret);
            }
            return exchange(HttpMethod.POST, tokenUrl, formHeaders(), form(form));
        }).map(reply -> token("Entra token request at " + tokenUrl, reply, now));
    }

    @Override
    public String describe() {
        return "Entra ID (client " + clientId + ", " + (federatedTokenFile != null
                ? "federated token file " + federatedTokenFile : "client secret") + ", " + tokenUrl + ")";
    }
}
