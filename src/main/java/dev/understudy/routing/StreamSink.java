package dev.understudy.routing;

import dev.understudy.chat.ChatChunk;
import java.util.List;

/**
 * Where a streamed answer goes (the inbound API's SSE writer). Calls come in this order:
 * {@code start} once, {@code content}*, then exactly one of {@code finish} or {@code abort};
 * or only {@code failBeforeStart} when nothing was ever sent.
 */
public interface StreamSink {

    /** The first content is ready: commit status and headers now. {@code tried}: targets called so far. */
    void start(Target target, boolean fallback, int tried, boolean capped);

    /** Answer content (text or tool-call deltas), already de-duplicated across continuations. */
    void content(ChatChunk chunk, Target target);

    /** The answer is complete: {@code finish} carries the finish reason and usage (usage may be null). */
    void finish(ChatChunk finish, Target target, boolean fallback, List<Attempt> attempts, boolean capped);

    /** Nothing was sent and no target answered: the caller gets an ordinary error response. */
    void failBeforeStart(ChainResult result);

    /** Content was sent but the answer cannot be completed consistently: end with an in-band error. */
    void abort(String message, List<Attempt> attempts);
}
