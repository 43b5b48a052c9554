package dev.understudy.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;

/** Request helpers for the HTTP-level tests. */
final class Calls {

    private Calls() {
    }

    static String body(String route, boolean stream) {
        return "{\"model\":\"" + route + "\",\"stream\":" + stream + ",\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    static Response chat(String route) {
        return given().contentType("application/json").body(body(route, false)).post("/v1/chat/completions");
    }

    static Response stream(String route) {
        return given().contentType("application/json").body(body(route, true)).post("/v1/chat/completions");
    }

    /** The {@code data:} payloads of an SSE body, in order. */
    static List<String> events(String sse) {
        List<String> events = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            int data = block.indexOf("data: ");
            if (data >= 0) {
                events.add(block.substring(data + 6));
            }
        }
        return events;
    }

    /** The text of every content delta of an OpenAI SSE body, concatenated. */
    static String streamedText(String sse) {
        StringBuilder text = new StringBuilder();
        for (String e : events(sse)) {
            if (e.startsWith("{")) {
                var node = io.restassured.path.json.JsonPath.from(e);
                String piece = node.getString("choices[0].delta.content");
                if (piece != null) {
                    text.append(piece);
                }
            }
        }
        return text.toString();
    }

    /** A complete OpenAI stream: {@code text}, a stop finish, no error event, and {@code [DONE]} last. */
    static void assertComplete(String sse, String text) {
        List<String> events = events(sse);
        assertThat(events).as(sse).isNotEmpty();
        assertThat(events.get(events.size() - 1)).as(sse).isEqualTo("[DONE]");
        assertThat(streamedText(sse)).isEqualTo(text);
        assertThat(sse).contains("\"finish_reason\":\"stop\"");
        assertThat(events).noneMatch(e -> e.startsWith("{\"error\""));
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
