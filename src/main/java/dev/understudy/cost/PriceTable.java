package dev.understudy.cost;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * List prices of common models (USD per 1M tokens, input/output, as published by the vendors in 2025–26)
 * and their capability tier: 1 lookups, formatting, translation; 2 everyday reasoning and code; 3 hard
 * analysis. A target's {@code price} and {@code tier} config override these. Matching is by the longest
 * known prefix of the model id, so {@code claude-sonnet-4-5-20250929} and Bedrock's
 * {@code anthropic.claude-sonnet-4-5-…} both find {@code claude-sonnet-4-5}.
 */
public final class PriceTable {

    private static final Map<String, Price> KNOWN = new LinkedHashMap<>();

    static {
        put("claude-opus-4", 15, 75, 3);
        put("claude-sonnet-4", 3, 15, 2);
        put("claude-3-7-sonnet", 3, 15, 2);
        put("claude-3-5-sonnet", 3, 15, 2);
        put("claude-haiku-4", 1, 5, 1);
        put("claude-3-5-haiku", 0.8, 4, 1);
        put("claude-3-haiku", 0.25, 1.25, 1);
        put("gpt-5-nano", 0.05, 0.4, 1);
        put("gpt-5-mini", 0.25, 2, 2);
        put("gpt-5", 1.25, 10, 3);
        put("gpt-4.1-nano", 0.1, 0.4, 1);
        put("gpt-4.1-mini", 0.4, 1.6, 1);
        put("gpt-4.1", 2, 8, 2);
        put("gpt-4o-mini", 0.15, 0.6, 1);
        put("gpt-4o", 2.5, 10, 2);
        put("o4-mini", 1.1, 4.4, 2);
        put("o3", 2, 8, 3);
        put("o1", 15, 60, 3);
        put("llama-3.1-8b", 0.22, 0.22, 1);
        put("llama-3.3-70b", 0.72, 0.72, 2);
        put("mistral-large", 2, 6, 2);
        put("mistral-small", 0.1, 0.3, 1);
        put("gemini-3-pro", 2, 12, 3);
        put("gemini-2.5-pro", 1.25, 10, 3);
        put("gemini-2.5-flash", 0.3, 2.5, 2);
        put("gemini-2.5-flash-lite", 0.1, 0.4, 1);
        put("gemini-2.0-flash", 0.1, 0.4, 1);
        put("gemini-2.0-flash-lite", 0.075, 0.3, 1);
    }

    private PriceTable() {
    }

    private static void put(String model, double in, double out, int tier) {
        KNOWN.put(model, new Price(in, out, tier));
    }

    /** Whether {@code id} up to {@code dot} is a vendor or region prefix ("anthropic", "us"), not a version. */
    private static boolean isVendor(String id, int dot) {
        for (int i = 0; i < dot; i++) {
            if (!Character.isLetter(id.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The list price of a model, or null when unknown. */
    public static Price lookup(String model) {
        String id = model.toLowerCase(Locale.ROOT);
        int dot = id.indexOf('.');
        if (dot > 0 && dot < 12 && isVendor(id, dot)) {
            id = id.substring(dot + 1); // Bedrock: "anthropic.claude-…", "us.anthropic.claude-…"
            int second = id.indexOf('.');
            if (second > 0 && second < 12 && isVendor(id, second)) {
                id = id.substring(second + 1);
            }
        }
        int slash = id.lastIndexOf('/');
        if (slash >= 0) {
            id = id.substring(slash + 1); // Vertex's OpenAI-compatible ids: "google/gemini-…"
        }
        Price best = null;
        int bestLength = -1;
        for (Map.Entry<String, Price> e : KNOWN.entrySet()) {
            if (id.startsWith(e.getKey()) && e.getKey().length() > bestLength) {
                best = e.getValue();
                bestLength = e.getKey().length();
            }
        }
        return best;
    }
}
