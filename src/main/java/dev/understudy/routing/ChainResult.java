package dev.understudy.routing;

import dev.understudy.chat.ChatResponse;
import dev.understudy.provider.ProviderException;
import java.time.Duration;
import java.util.List;

/**
 * How a request through the fallback chain ended: answered by {@code answered}; rejected with an error
 * that belongs to the caller ({@code rejection}); or every target failed ({@code retryAfter} is then the
 * hint for the 503).
 */
public record ChainResult(ChatResponse response, Target answered, boolean fallback, List<Attempt> attempts,
        ProviderException rejection, Duration retryAfter, boolean capped) {

    public ChainResult(ChatResponse response, Target answered, boolean fallback, List<Attempt> attempts,
            ProviderException rejection, Duration retryAfter) {
        this(response, answered, fallback, attempts, rejection, retryAfter, false);
    }

    public boolean answeredByProvider() {
        return response != null;
    }

    public boolean rejected() {
        return rejection != null;
    }
}
