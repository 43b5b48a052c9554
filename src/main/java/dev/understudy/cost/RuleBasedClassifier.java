package dev.understudy.cost;

import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A transparent first classifier: a score from the last user turn's length, the conversation's depth,
 * code, tools, and keywords of analysis/comparison/debugging (up) versus lookup/translation/formatting
 * (down). Score below 1 → tier 1, below 3.5 → tier 2, else tier 3. Every rule is one line below, so a wrong
 * call can be traced; a learned classifier can replace it behind {@link ComplexityClassifier}.
 */
public final class RuleBasedClassifier implements ComplexityClassifier {

    private static final Pattern COMPLEX = Pattern.compile("\\b(analy[sz]e|analysis|compare|comparison|contrast|"
            + "trade-?offs?|debug|diagnose|root cause|why does|why is|prove|proof|derive|design|architect\\w*|"
            + "optimi[sz]e|refactor|evaluate|critique|strategy|step[- ]by[- ]step|in depth|in detail|"
            + "pros and cons|implications|reason about|plan for|review (this|my)|race condition|deadlock|"
            + "memory leak|complexity)\\b");
    private static final Pattern MODERATE = Pattern.compile("\\b(explain|write|implement|function|code|script|"
            + "summari[sz]e|draft|email|describe|how (do|can|to)|example|outline|rewrite|fix)\\b");
    private static final Pattern SIMPLE = Pattern.compile("\\b(what is|what's|who is|when (is|was|did)|where is|"
            + "translate|convert|format|spell|define|definition|capital of|how many|list|synonym|"
            + "uppercase|lowercase|date|time zone|yes or no|one word)\\b");
    private static final Pattern CODE = Pattern.compile("```|\\b(def |class |public |function |import |SELECT |"
            + "#include|=>|\\{\\s*$)", Pattern.MULTILINE);

    @Override
    public int tier(ChatRequest request) {
        String last = lastUserText(request);
        String text = last.toLowerCase(Locale.ROOT);
        double score = 0;
        int length = last.length();
        score += length > 1500 ? 3 : length > 600 ? 2 : length > 200 ? 1 : 0;
        long turns = request.messages().stream().filter(m -> !"system".equals(m.role())).count();
        score += turns > 8 ? 1.5 : turns > 3 ? 0.5 : 0;
        if (CODE.matcher(last).find()) {
            score += 1.5;
        }
        if (request.tools() != null && !request.tools().isEmpty()) {
            score += 1;
        }
        score += 2.5 * Math.min(2, count(COMPLEX, text));
        score += 1 * Math.min(2, count(MODERATE, text));
        score -= 1.5 * Math.min(2, count(SIMPLE, text));
        return score < 1 ? 1 : score < 3.5 ? 2 : 3;
    }

    private static int count(Pattern p, String text) {
        int n = 0;
        var m = p.matcher(text);
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String lastUserText(ChatRequest request) {
        for (int i = request.messages().size() - 1; i >= 0; i--) {
            Message m = request.messages().get(i);
            if ("user".equals(m.role())) {
                return m.text();
            }
        }
        return "";
    }
}
