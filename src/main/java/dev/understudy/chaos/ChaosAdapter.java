package dev.understudy.chaos;

import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.provider.ProviderAdapter;
import dev.understudy.provider.ProviderException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/** Wraps a provider adapter: with no fault injected it is one map lookup; with one, it delays or fails. */
public final class ChaosAdapter implements ProviderAdapter {

    private final String provider;
    private final ProviderAdapter real;
    private final Chaos chaos;

    public ChaosAdapter(String provider, ProviderAdapter real, Chaos chaos) {
        this.provider = provider;
        this.real = real;
        this.chaos = chaos;
    }

    @Override
    public Uni<ChatResponse> complete(String model, ChatRequest request) {
        Fault f = chaos.active(provider);
        if (f == null) {
            return real.complete(model, request);
        }
        ProviderException e = chaos.failureFor(provider, f);
        Uni<Void> wait = delay(Chaos.latency(f));
        return e != null ? wait.chain(() -> Uni.createFrom().failure(e))
                : wait.chain(() -> real.complete(model, request));
    }

    @Override
    public Multi<ChatChunk> stream(String model, ChatRequest request) {
        Fault f = chaos.active(provider);
        if (f == null) {
            return real.stream(model, request);
        }
        ProviderException e = chaos.failureFor(provider, f);
        Uni<Void> wait = delay(Chaos.latency(f));
        return e != null ? wait.onItem().transformToMulti(v -> Multi.createFrom().failure(e))
                : wait.onItem().transformToMulti(v -> real.stream(model, request));
    }

    @Override
    public Uni<Void> probe() {
        Fault f = chaos.active(provider);
        if (f != null && (f.outage() || f.rateLimit() || f.errorRate() >= 1)) {
            return Uni.createFrom().failure(chaos.failureFor(provider, f));
        }
        return real.probe();
    }

    @Override
    public boolean supportsPrefill() {
        return real.supportsPrefill();
    }

    @Override
    public boolean supportsPrefill(String model) {
        return real.supportsPrefill(model);
    }

    @Override
    public long malformedEvents() {
        return real.malformedEvents();
    }

    private static Uni<Void> delay(Duration d) {
        return d.isZero() ? Uni.createFrom().voidItem() : Uni.createFrom().voidItem().onItem().delayIt().by(d);
    }
}
