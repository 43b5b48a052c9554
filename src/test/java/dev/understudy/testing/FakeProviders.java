package dev.understudy.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the fake providers once per Quarkus start and points the gateway's configuration at them,
 * with the same config keys a user writes. Tests script the fakes through the static accessors.
 *
 * <p>Routes: {@code chain} (primary → secondary), {@code claude-first} (claude → secondary),
 * {@code prefill} (primary → claude, which continues by prefill), {@code solo} (primary only),
 * {@code limited} (limited → secondary), {@code tight} (primary → secondary with a 1 s deadline),
 * {@code degraded} (primary only, with static answers).
 */
public class FakeProviders implements QuarkusTestResourceLifecycleManager {

    private static FakeProvider primary;
    private static FakeProvider secondary;
    private static FakeProvider claude;
    private static FakeProvider limited;

    public static FakeProvider primary() {
        return primary;
    }

    public static FakeProvider secondary() {
        return secondary;
    }

    public static FakeProvider claude() {
        return claude;
    }

    public static FakeProvider limited() {
        return limited;
    }

    /** Clears every script and recording, and the gateway's breakers and health: call it before each test. */
    public static void resetAll() {
        io.restassured.RestAssured.given().post("/admin/breakers/reset").then().statusCode(200);
        io.restassured.RestAssured.given().delete("/admin/cache").then().statusCode(200); // no answer from a past test
        primary.reset();
        secondary.reset();
        claude.reset();
        limited.reset();
        claude.setDefault(Script.anthropicAnswer("Hello from claude"));
    }

    @Override
    public Map<String, String> start() {
        primary = FakeProvider.start("primary");
        secondary = FakeProvider.start("secondary");
        claude = FakeProvider.start("claude");
        limited = FakeProvider.start("limited");
        claude.setDefault(Script.anthropicAnswer("Hello from claude"));
        Map<String, String> c = new HashMap<>();
        provider(c, "primary", "openai", primary.baseUrl() + "/v1");
        provider(c, "secondary", "openai", secondary.baseUrl() + "/v1");
        provider(c, "claude", "anthropic", claude.baseUrl());
        provider(c, "limited", "openai", limited.baseUrl() + "/v1");
        c.put("understudy.defaults.timeout", "1s");
        c.put("understudy.defaults.first-token-timeout", "500ms");
        c.put("understudy.defaults.idle-timeout", "500ms");
        c.put("understudy.defaults.retries", "1");
        c.put("understudy.defaults.backoff", "20ms");
        c.put("understudy.defaults.max-backoff", "2s");
        route(c, "chain", "10s", "primary", "gpt-primary", "secondary", "gpt-secondary");
        route(c, "claude-first", "10s", "claude", "claude-test", "secondary", "gpt-secondary");
        route(c, "prefill", "10s", "primary", "gpt-primary", "claude", "claude-test");
        route(c, "solo", "10s", "primary", "gpt-primary");
        route(c, "limited", "10s", "limited", "gpt-limited", "secondary", "gpt-secondary");
        route(c, "tight", "1s", "primary", "gpt-primary", "secondary", "gpt-secondary");
        route(c, "degraded", "10s", "primary", "gpt-primary");
        c.put("understudy.routes.degraded.degraded.messages.general", "We are busy; please try again shortly.");
        c.put("understudy.routes.degraded.degraded.messages.support", "Support is busy; we will call you back.");
        for (String r : new String[] {"tiered", "budgeted"}) { // cost routing: tiers 1, 2, 3 by the price table
            route(c, r, "10s", "claude", "claude-opus-4-1", "secondary", "gpt-4o", "primary", "gpt-4o-mini");
            c.put("understudy.routes." + r + ".strategy", "cost");
        }
        c.put("understudy.routes.budgeted.budget.daily-usd", "0.0001");
        c.put("understudy.limits.max-body-size", "64K");
        c.put("understudy.limits.max-message-chars", "20000");
        route(c, "capped", "10s", "primary", "gpt-primary");
        route(c, "patient", "30s", "primary", "gpt-primary");
        c.put("understudy.routes.patient.targets[0].idle-timeout", "10s");
        c.put("understudy.routes.capped.max-tokens", "1000");
        c.put("understudy.health-check.interval", "1h"); // probes would make request counts racy here
        c.put("understudy.health-check.trial-interval", "1h"); // breakers close by a request's trial here
        return c;
    }

    private static void provider(Map<String, String> c, String name, String type, String url) {
        c.put("understudy.providers." + name + ".type", type);
        c.put("understudy.providers." + name + ".base-url", url);
        c.put("understudy.providers." + name + ".api-key", "sk-test-" + name + "-SECRET0123456789");
    }

    private static void route(Map<String, String> c, String name, String deadline, String... providerModel) {
        c.put("understudy.routes." + name + ".deadline", deadline);
        for (int i = 0; i < providerModel.length; i += 2) {
            c.put("understudy.routes." + name + ".targets[" + (i / 2) + "].provider", providerModel[i]);
            c.put("understudy.routes." + name + ".targets[" + (i / 2) + "].model", providerModel[i + 1]);
        }
    }

    @Override
    public void stop() {
        for (FakeProvider f : new FakeProvider[] {primary, secondary, claude, limited}) {
            if (f != null) {
                f.close();
            }
        }
    }
}
