package dev.understudy.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule-based classifier on a labelled set of prompts (src/test/resources/cost/prompts.tsv). */
class ClassifierAccuracyTest {

    record Labelled(int tier, String prompt) {
    }

    static List<Labelled> prompts() throws IOException {
        try (InputStream in = ClassifierAccuracyTest.class.getResourceAsStream("/cost/prompts.tsv")) {
            List<Labelled> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t", 2);
                out.add(new Labelled(Integer.parseInt(cols[0]), cols[1]));
            }
            return out;
        }
    }

    static ChatRequest ask(String prompt) {
        return new ChatRequest("r", List.of(Message.text("user", prompt)), null, null, null, null, null, null, null,
                null, null, false, false, null);
    }

    @Test
    void classifiesTheLabelledPromptsWithUsefulAccuracy() throws IOException {
        RuleBasedClassifier classifier = new RuleBasedClassifier();
        List<Labelled> set = prompts();
        int[][] confusion = new int[4][4];
        int right = 0;
        int underestimated = 0;
        for (Labelled l : set) {
            int got = classifier.tier(ask(l.prompt()));
            confusion[l.tier()][got]++;
            if (got == l.tier()) {
                right++;
            } else if (got < l.tier()) {
                underestimated++;
            }
        }
        double accuracy = (double) right / set.size();
        System.out.printf("classifier: %d prompts, accuracy %.2f, under-estimated %d%n", set.size(), accuracy,
                underestimated);
        System.out.println("label\\got    1    2    3");
        for (int t = 1; t <= 3; t++) {
            System.out.printf("%d          %4d %4d %4d%n", t, confusion[t][1], confusion[t][2], confusion[t][3]);
        }
        assertThat(set).hasSizeGreaterThanOrEqualTo(60);
        assertThat(accuracy).isGreaterThanOrEqualTo(0.8);
        // sending a complex prompt to a simple model is the costly mistake: it must be rare
        assertThat(confusion[3][1]).isLessThanOrEqualTo(1);
    }

    @Test
    void codeAndToolsRaiseTheTier() {
        RuleBasedClassifier classifier = new RuleBasedClassifier();
        assertThat(classifier.tier(ask("hi"))).isEqualTo(1);
        assertThat(classifier.tier(ask("```python\nfor i in range(10):\n    print(i)\n```\nwhat does it print?")))
                .isGreaterThanOrEqualTo(2);
    }
}
