package dev.understudy.cost;

import dev.understudy.chat.ChatRequest;

/** Decides how capable a model a request needs: tier 1 (simple), 2 (moderate) or 3 (complex). Pluggable. */
@FunctionalInterface
public interface ComplexityClassifier {

    int tier(ChatRequest request);
}
