package dev.understudy.lastresort;

import dev.understudy.routing.Route;
import java.util.Locale;

/** The route's configured static answers, picked by the caller's {@code x-understudy-category}. */
public final class DegradedAnswers {

    public static final String NOTICE = "Service is degraded; this is a standard reply";

    private DegradedAnswers() {
    }

    /** The static answer for this category (else {@code general}), or null when the route has none. */
    public static String answer(Route route, String category) {
        if (route.degradedMessages().isEmpty()) {
            return null;
        }
        String c = category == null ? "general" : category.trim().toLowerCase(Locale.ROOT);
        String message = route.degradedMessages().get(c);
        return message != null ? message : route.degradedMessages().get("general");
    }
}
