package dev.understudy.cache;

import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import java.util.HashMap;
import java.util.Map;

/**
 * The cache keys of requests answered lately, so that a request asked again (a popular question: the same
 * prompt from many callers) is compared, not hashed again: the key's SHA-256 over its canonical form was most
 * of the cache writer's time. Equal requests have equal keys ({@link Fingerprint} depends on nothing else), so
 * a remembered key is always the right one. Bounded in entries and in what each holds; one thread uses it.
 */
final class RecentKeys {

    /** Requests remembered, at most. */
    static final int KEPT = 256;
    /** A request with more text than this (characters, all messages) is hashed every time, not remembered. */
    static final int MAX_CHARS = 4096;

    private record Asked(String tenant, String route, ChatRequest request) {
    }

    private final Map<Asked, String> keys = new HashMap<>();

    /** {@link Fingerprint#of} of the request, remembered when it is small. */
    String of(String tenant, String route, ChatRequest request) {
        if (!small(request)) {
            return Fingerprint.of(tenant, route, request);
        }
        Asked asked = new Asked(tenant, route, request);
        String key = keys.get(asked);
        if (key == null) {
            if (keys.size() >= KEPT) {
                keys.clear(); // a bound, not an eviction order: a forgotten request costs one hash
            }
            key = Fingerprint.of(tenant, route, request);
            keys.put(asked, key);
        }
        return key;
    }

    int size() {
        return keys.size();
    }

    private static boolean small(ChatRequest request) {
        int chars = 0;
        for (Message m : request.messages()) {
            if (m.content() == null) {
                continue;
            }
            for (Part p : m.content()) {
                if (!(p instanceof Part.Text t)) {
                    return false; // images: large, and rarely asked twice
                }
                chars += t.text().length();
                if (chars > MAX_CHARS) {
                    return false;
                }
            }
        }
        return true;
    }
}
