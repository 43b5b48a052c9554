package dev.understudy.cost;

import dev.understudy.chat.Usage;

/** USD per one million input and output tokens, and the capability tier of a model (1 simple … 3 complex). */
public record Price(double inputPerMillion, double outputPerMillion, int tier) {

    public double cost(Usage usage) {
        if (usage == null) {
            return 0;
        }
        return usage.promptTokens() * inputPerMillion / 1e6 + usage.completionTokens() * outputPerMillion / 1e6;
    }

    /** A blended figure to rank targets by: a typical 3:1 input:output mix. */
    public double blended() {
        return (3 * inputPerMillion + outputPerMillion) / 4;
    }
}
