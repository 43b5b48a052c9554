package dev.understudy.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.provider.json.Json;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Instant;

/**
 * Credentials from a container credentials endpoint: the EKS Pod Identity agent (it injects
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}) or ECS
 * task roles. A GET with the token as {@code Authorization}; the answer is
 * {@code {"AccessKeyId","SecretAccessKey","Token","Expiration"}}. The token file is read on every refresh.
 */
final class ContainerCredentials extends RefreshingCredentials {

    private final String uri;
    private final String tokenFile;
    private final String token;

    /** @param tokenFile the authorization token's file, or null; {@code token} is used when there is none */
    ContainerCredentials(Vertx vertx, Clock clock, String uri, String tokenFile, String token) {
        super(vertx, clock);
        this.uri = uri;
        this.tokenFile = tokenFile;
        this.token = token;
    }

    @Override
    protected Uni<AwsCredentials> fetch() {
        Uni<String> authorization = tokenFile != null ? readToken(tokenFile) : Uni.createFrom().item(token);
        return authorization.flatMap(auth -> {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("Accept", "application/json");
            if (auth != null && !auth.isBlank()) {
                headers.set("Authorization", auth);
            }
            return exchange(HttpMethod.GET, uri, headers, null);
        }).map(reply -> {
            if (reply.status() != 200) {
                throw refused("container credentials endpoint", reply, "");
            }
            return parse(reply.body());
        });
    }

    static AwsCredentials parse(String body) {
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            String expiration = Json.text(json, "Expiration");
            return new AwsCredentials(Json.text(json, "AccessKeyId"), Json.text(json, "SecretAccessKey"),
                    Json.text(json, "Token"), expiration == null ? null : Instant.parse(expiration));
        } catch (Exception e) {
            throw new ProviderException(Failure.MALFORMED, "container credentials answer is not usable");
        }
    }

    @Override
    public String describe() {
        return "container credentials (" + uri + ")";
    }
}
