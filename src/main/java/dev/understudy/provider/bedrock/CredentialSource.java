package dev.understudy.provider.bedrock;

import io.smallrye.mutiny.Uni;

/**
 * Where a Bedrock provider's credentials come from. Asked once per request, so an implementation answers
 * from memory on the hot path and goes to the network only to refresh.
 */
public interface CredentialSource {

    /** Current credentials; fails with a {@link dev.understudy.provider.ProviderException} when none can be had. */
    Uni<AwsCredentials> get();

    /** The provider refused the credentials (expired, revoked): fetch fresh ones next time, where possible. */
    default void invalidate() {
    }

    /** Short description for start-up logs, e.g. "web identity (role …/bedrock-caller)"; never a secret. */
    String describe();

    /** Fixed credentials: provider config keys or the AWS_* environment variables. */
    static CredentialSource fixed(AwsCredentials credentials, String origin) {
        Uni<AwsCredentials> item = Uni.createFrom().item(credentials);
        return new CredentialSource() {
            @Override
            public Uni<AwsCredentials> get() {
                return item;
            }

            @Override
            public String describe() {
                return origin + " (" + credentials + ")";
            }
        };
    }
}
