package dev.understudy.provider.bedrock;

import dev.understudy.provider.auth.Refreshing;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;

/**
 * Temporary AWS credentials fetched over the network (STS, the EKS Pod Identity agent), cached and refreshed
 * before they expire as every {@link Refreshing} secret is.
 */
abstract class RefreshingCredentials extends Refreshing<AwsCredentials> implements CredentialSource {

    protected RefreshingCredentials(Vertx vertx, Clock clock) {
        super(vertx, clock);
    }

    @Override
    protected Instant expiration(AwsCredentials value) {
        return value.expiration();
    }
}
