package dev.understudy.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Thousands of malformed and hostile bodies (seeded, so a failure replays): broken JSON, deep nesting,
 * huge strings, wrong types, invalid UTF-8, control characters, header injection attempts. The gateway
 * answers every one with something other than a 5xx, never with a stack trace, and stays healthy.
 */
@QuarkusTest
@TestProfile(GatewayProfile.class)
class HostileInputFuzzTest {

    private static final long SEED = 20261122L;
    private static final int CASES = 2_000;

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @Test
    void neverAnswersHostileInputWithA5xxAndStaysHealthy() {
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            byte[] body = hostile(random, i);
            String path = random.nextInt(4) == 0 ? "/v1/messages" : "/v1/chat/completions";
            Response r = given().header("Content-Type", "application/json")
                    .header("x-understudy-category", random.nextBoolean() ? "support\r\nX-Injected: 1" : "général")
                    .header("x-understudy-tier", random.nextInt(3) == 0 ? "not-a-tier" : "1")
                    .body(body).post(path);
            String text = r.asString();
            if (r.statusCode() >= 500 || text.contains("Exception") || text.contains("\tat ")
                    || r.header("X-Injected") != null) {
                failures.add("case " + i + " " + path + " -> " + r.statusCode() + ": "
                        + text.substring(0, Math.min(200, text.length())));
            }
        }
        assertThat(failures).as("seed %d", SEED).isEmpty();
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
    }

    /** One hostile body; the kind rotates so every family is covered many times. */
    static byte[] hostile(Random r, int i) {
        String s = switch (i % 12) {
            case 0 -> "{\"model\":\"chain\",\"messages\":[" + "[".repeat(r.nextInt(5000)) ; // deep, unclosed
            case 1 -> "{\"a\":" + "{\"a\":".repeat(2_000 + r.nextInt(3_000)) + "1" + "}".repeat(2_000); // deep nesting
            case 2 -> "{\"model\":\"chain\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(r.nextInt(70_000))
                    + "\"}]}"; // huge string, sometimes over the 64K limit
            case 3 -> "{\"model\":" + randomJsonValue(r) + ",\"messages\":" + randomJsonValue(r) + "}"; // wrong types
            case 4 -> "{\"model\":\"chain\",\"messages\":[{\"role\":" + randomJsonValue(r) + ",\"content\":"
                    + randomJsonValue(r) + "}],\"max_tokens\":" + randomJsonValue(r) + "}";
            case 5 -> randomJsonValue(r); // not an object
            case 6 -> new String(randomBytes(r), StandardCharsets.ISO_8859_1); // garbage
            case 7 -> "{\"model\":\"chain\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
                    + randomJsonValue(r) + ",\"image_url\":" + randomJsonValue(r) + "}]}],\"tools\":"
                    + randomJsonValue(r) + "}";
            case 8 -> "{\"model\":\"\\u0000\\r\\nX-Injected: 1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            case 9 -> "{\"model\":\"chain\",\"stream\":" + randomJsonValue(r) + ",\"n\":" + randomJsonValue(r)
                    + ",\"stop\":" + randomJsonValue(r) + ",\"temperature\":" + randomJsonValue(r) + "}";
            case 10 -> "{\"model\":\"chain\",\"max_tokens\":" + randomJsonValue(r) + ",\"system\":" + randomJsonValue(r)
                    + ",\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"input\":"
                    + randomJsonValue(r) + "}]}],\"tool_choice\":" + randomJsonValue(r) + "}";
            default -> "{\"model\":\"chain\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "\\ud800".repeat(3)
                    + "\"}]," + "\"x\":1".repeat(r.nextInt(3)) + "}"; // lone surrogates, trailing junk
        };
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (i % 12 == 11 && bytes.length > 4) { // invalid UTF-8 in the middle
            bytes[bytes.length / 2] = (byte) 0xC3;
            bytes[bytes.length / 2 + 1] = (byte) 0x28;
        }
        return bytes;
    }

    static String randomJsonValue(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> "null";
            case 1 -> Long.toString(r.nextLong());
            case 2 -> "1e309";
            case 3 -> "-0.0000001";
            case 4 -> "\"" + "é\\n\\t".repeat(r.nextInt(5)) + "\"";
            case 5 -> "[" + "1,".repeat(r.nextInt(50)) + "1]";
            case 6 -> "{\"role\":\"user\",\"content\":\"hi\"}";
            case 7 -> "true";
            case 8 -> "[{\"role\":\"user\",\"content\":\"hi\"}]";
            default -> "\"chain\"";
        };
    }

    static byte[] randomBytes(Random r) {
        byte[] b = new byte[1 + r.nextInt(512)];
        r.nextBytes(b);
        return b;
    }
}
