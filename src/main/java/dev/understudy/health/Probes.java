package dev.understudy.health;

import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Usage;
import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import dev.understudy.routing.Route;
import dev.understudy.routing.Target;
import java.util.List;

/** What a chat trial sends, how its answer is read, and where its cost goes. */
final class Probes {

    /** The fixed prompt of every chat trial: tiny, and asking for one token. */
    static final String PROMPT = "Reply with OK.";

    /** The trial request: one user turn, {@code max_tokens: 1}, temperature 0, not streamed. */
    static final ChatRequest TRIAL = new ChatRequest("understudy-trial", List.of(Message.text("user", PROMPT)), List.of(),
            null, 0.0, null, 1, List.of(), null, null, null, false, false, null);

    private Probes() {
    }

    /**
     * Did the chat endpoint process the request? An answer did; so did a refusal of the request itself
     * (bad request, content policy, context length): the endpoint is up, only the tiny prompt displeased it.
     */
    static boolean answered(ProviderException e) {
        Failure f = e.failure();
        return f == Failure.BAD_REQUEST || f == Failure.CONTENT_POLICY || f == Failure.CONTEXT_LENGTH;
    }

    /** A trial's tokens and cost: in the target's meters and the route's ledger (today's spend). */
    static void account(Route route, Target t, Usage usage) {
        if (usage != null) {
            route.ledger().recordProbe(t.meters().tokens(usage));
        }
    }
}
