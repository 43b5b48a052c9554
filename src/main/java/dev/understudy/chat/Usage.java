package dev.understudy.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Token counts of one answer, as the answering provider reported them. */
@RegisterForReflection
public record Usage(int promptTokens, int completionTokens) {

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
