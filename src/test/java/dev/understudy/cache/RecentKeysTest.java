package dev.understudy.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.Message;
import dev.understudy.chat.Part;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentKeysTest {

    private static ChatRequest ask(String... texts) {
        List<Message> messages = java.util.Arrays.stream(texts).map(t -> Message.text("user", new String(t)))
                .toList();
        return new ChatRequest("r", messages, null, null, 0.2, null, null, null, null, null, null, false, false,
                null);
    }

    @Test
    void aRequestAskedAgainGetsTheKeyItsHashGives() {
        RecentKeys keys = new RecentKeys();
        String first = keys.of("t", "r", ask("What is the capital of France?"));
        String again = keys.of("t", "r", ask("What is the capital of France?")); // equal, not the same objects
        assertEquals(Fingerprint.of("t", "r", ask("What is the capital of France?")), first);
        assertEquals(first, again);
        assertEquals(1, keys.size());
    }

    @Test
    void anotherTenantRouteOrQuestionGetsItsOwnKey() {
        RecentKeys keys = new RecentKeys();
        String key = keys.of("t", "r", ask("a"));
        assertNotEquals(key, keys.of("u", "r", ask("a")));
        assertNotEquals(key, keys.of(null, "r", ask("a")));
        assertNotEquals(key, keys.of("t", "s", ask("a")));
        assertNotEquals(key, keys.of("t", "r", ask("b")));
        assertEquals(Fingerprint.of(null, "r", ask("a")), keys.of(null, "r", ask("a")));
    }

    @Test
    void remembersOnlySmallTextRequestsAndAtMostItsBound() {
        RecentKeys keys = new RecentKeys();
        String large = "x".repeat(RecentKeys.MAX_CHARS + 1);
        assertEquals(Fingerprint.of("t", "r", ask(large)), keys.of("t", "r", ask(large)));
        ChatRequest image = new ChatRequest("r", List.of(new Message("user", List.of(new Part.Image(
                "https://example.com/a.png", null, null, null)), false, null, null, null)), null, null, null, null,
                null, null, null, null, null, false, false, null);
        assertEquals(Fingerprint.of("t", "r", image), keys.of("t", "r", image));
        assertEquals(0, keys.size());
        for (int i = 0; i < RecentKeys.KEPT * 3; i++) {
            assertEquals(Fingerprint.of("t", "r", ask("q" + i)), keys.of("t", "r", ask("q" + i)));
            assertTrue(keys.size() <= RecentKeys.KEPT);
        }
    }
}
