package dev.understudy.health;

import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.routing.Target;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The {@code probe: models} check: the endpoint's model list through its typed REST client
 * ({@code provider/http/ModelsApi}), under a Fault Tolerance timeout. The clients are built with the
 * programmatic builder, one per provider, because their base URLs and credentials come from the runtime
 * map {@code understudy.providers.*} (a CDI REST client is bound to one config key at build time), and a
 * programmatically built client is not a CDI bean that interceptors reach; so the timeout sits here, on
 * the one bean method every model-list check goes through. No breaker: the target's own breaker decides.
 */
@Singleton
public class ModelListCheck {

    @Timeout(5000)
    public Uni<Void> check(Target target) {
        return target.adapter().probe();
    }

    /** The check's failure as the prober records it (an FT timeout is a {@link Failure#TIMEOUT}). */
    static ProviderException asProviderException(Throwable t) {
        if (t instanceof ProviderException pe) {
            return pe;
        }
        if (t instanceof TimeoutException) {
            return new ProviderException(Failure.TIMEOUT, "model list: no answer in time");
        }
        return new ProviderException(Failure.CONNECT, t.getClass().getSimpleName() + ": " + t.getMessage());
    }
}
