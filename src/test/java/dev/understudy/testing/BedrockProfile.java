package dev.understudy.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake Bedrock (checking SigV4 with the test credentials below) and one OpenAI-format fake, configured
 * with the keys a user writes. Routes: {@code claude-on-bedrock} (Bedrock → backup), {@code bedrock-continues}
 * (backup → Bedrock, which continues a cut answer by prefill), {@code bad-signature} (Bedrock with a wrong
 * secret → backup). Timeouts as in {@link FakeProviders}: 1 s, first token and idle 500 ms, retries 1.
 */
public class BedrockProfile implements QuarkusTestProfile {

    public static final String REGION = "us-west-2";
    public static final String MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    public static final String KEY_ID = "ASIAFAKEBEDROCK00001";
    public static final String SECRET = "fake/Secret+Access/Key0123456789abcdefghij";
    public static final String SESSION_TOKEN = "FakeSessionToken//bedrock-test==";

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Fakes.class));
    }

    /** A free port rather than 8081, so this start never collides with another test JVM on the machine. */
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.http.test-port", "0", "understudy.cache.similar-lookup", "false"); // see GatewayProfile
    }

    /** Starts the fakes once per Quarkus start; tests script them through the static accessors. */
    public static class Fakes implements QuarkusTestResourceLifecycleManager {

        private static FakeBedrock bedrock;
        private static FakeProvider backup;

        public static FakeBedrock bedrock() {
            return bedrock;
        }

        public static FakeProvider backup() {
            return backup;
        }

        /** Clears scripts, recordings, breakers and learned health: call it before each test. */
        public static void resetAll() {
            io.restassured.RestAssured.given().post("/admin/breakers/reset").then().statusCode(200);
            bedrock.reset();
            backup.reset();
        }

        @Override
        public Map<String, String> start() {
            bedrock = FakeBedrock.start(REGION).accept(KEY_ID, SECRET, SESSION_TOKEN);
            backup = FakeProvider.start("backup");
            Map<String, String> c = new HashMap<>();
            bedrockProvider(c, "bedrock", SECRET);
            bedrockProvider(c, "bedrock-wrong-key", SECRET.replace('0', '1'));
            c.put("understudy.providers.backup.type", "openai");
            c.put("understudy.providers.backup.base-url", backup.baseUrl() + "/v1");
            c.put("understudy.providers.backup.api-key", "sk-test-backup-SECRET0123456789");
            route(c, "claude-on-bedrock", "bedrock", MODEL, "backup", "gpt-backup");
            route(c, "bedrock-continues", "backup", "gpt-backup", "bedrock", MODEL);
            route(c, "bad-signature", "bedrock-wrong-key", MODEL, "backup", "gpt-backup");
            c.put("understudy.defaults.timeout", "1s");
            c.put("understudy.defaults.first-token-timeout", "500ms");
            c.put("understudy.defaults.idle-timeout", "500ms");
            c.put("understudy.defaults.retries", "1");
            c.put("understudy.defaults.backoff", "20ms");
            c.put("understudy.defaults.max-backoff", "2s");
            c.put("understudy.health-check.interval", "1h"); // probes would make request counts racy here
            c.put("understudy.health-check.trial-interval", "1h");
            return c;
        }

        private static void bedrockProvider(Map<String, String> c, String name, String secret) {
            String p = "understudy.providers." + name + ".";
            c.put(p + "type", "bedrock");
            c.put(p + "base-url", bedrock.baseUrl());
            c.put(p + "region", REGION);
            c.put(p + "access-key-id", KEY_ID);
            c.put(p + "secret-access-key", secret);
            c.put(p + "session-token", SESSION_TOKEN);
        }

        private static void route(Map<String, String> c, String name, String... providerModel) {
            c.put("understudy.routes." + name + ".deadline", "10s");
            for (int i = 0; i < providerModel.length; i += 2) {
                c.put("understudy.routes." + name + ".targets[" + (i / 2) + "].provider", providerModel[i]);
                c.put("understudy.routes." + name + ".targets[" + (i / 2) + "].model", providerModel[i + 1]);
            }
        }

        @Override
        public void stop() {
            if (bedrock != null) {
                bedrock.close();
            }
            if (backup != null) {
                backup.close();
            }
        }
    }
}
