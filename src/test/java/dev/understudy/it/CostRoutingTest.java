package dev.understudy.it;

import static dev.understudy.testing.FakeProviders.claude;
import static dev.understudy.testing.FakeProviders.primary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import dev.understudy.testing.Script;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Route strategy {@code cost}: route {@code tiered} has claude-opus-4-1 (tier 3, $15/$75 per 1M),
 * gpt-4o (tier 2, $2.50/$10) and gpt-4o-mini (tier 1, $0.15/$0.60), from the shipped price table.
 */
@QuarkusTest
@TestProfile(GatewayProfile.class)
class CostRoutingTest {

    static final String SIMPLE = "What is the capital of France?";
    static final String COMPLEX = "Analyze the trade-offs between microservices and a modular monolith for a "
            + "12-person team, and design a migration strategy step by step.";

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    static Response ask(String route, String question, String tier) {
        var spec = given().contentType("application/json");
        if (tier != null) {
            spec = spec.header("x-understudy-tier", tier);
        }
        return spec.body("{\"model\":\"" + route + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question
                + "\"}]}").post("/v1/chat/completions");
    }

    @Test
    void sendsASimpleQuestionToTheCheapestTarget() {
        ask("tiered", SIMPLE, null).then().statusCode(200).header("x-understudy-model", "gpt-4o-mini");
    }

    @Test
    void sendsAComplexQuestionToATargetOfTheTopTier() {
        ask("tiered", COMPLEX, null).then().statusCode(200).header("x-understudy-model", "claude-opus-4-1");
    }

    @Test
    void letsTheCallerForceATier() {
        ask("tiered", SIMPLE, "moderate").then().statusCode(200).header("x-understudy-model", "gpt-4o");
        ask("tiered", SIMPLE, "7").then().statusCode(400).extract().path("error.code").equals("invalid_tier");
    }

    @Test
    void continuesUpwardInTierWhenTheCheapTargetFails() {
        primary().enqueue(Script.json(503, "{}"), Script.json(503, "{}"));
        ask("tiered", SIMPLE, null).then().statusCode(200)
                .header("x-understudy-model", "gpt-4o")
                .header("x-understudy-fallback", "true");
    }

    @Test
    void reportsWhatAFixedTrafficMixCostAndSavedAgainstTheTopTarget() {
        JsonPath before = savings();
        for (int i = 0; i < 3; i++) { // gpt-4o-mini: 10 prompt + 3 completion tokens ("Hello from primary")
            ask("tiered", SIMPLE, null).then().statusCode(200);
        }
        ask("tiered", COMPLEX, null).then().statusCode(200); // opus: 10 + 3 tokens ("Hello from claude")
        JsonPath after = savings();
        double mini = (10 * 0.15 + 3 * 0.60) / 1e6;
        double opus = (10 * 15.0 + 3 * 75.0) / 1e6;
        String route = "routes.find { it.route == 'tiered' }.";
        assertThat(after.getDouble(route + "cost_usd") - before.getDouble(route + "cost_usd"))
                .isCloseTo(3 * mini + opus, within(1e-6));
        assertThat(after.getDouble(route + "top_target_cost_usd") - before.getDouble(route + "top_target_cost_usd"))
                .isCloseTo(4 * opus, within(1e-6));
        assertThat(after.getString(route + "top_target")).isEqualTo("claude/claude-opus-4-1");
        assertThat(metrics()).containsPattern(
                "understudy_cost_usd_total\\{model=\"gpt-4o-mini\",provider=\"primary\",route=\"tiered\"\\} [0-9.E-]+");
    }

    @Test
    void overItsDailyBudgetARouteSkipsTargetsAboveItsBudgetTierInsteadOfFailing() {
        // budgeted: $0.0001 a day; one opus answer (10 + 3 tokens = $0.000375) exceeds it
        ask("budgeted", COMPLEX, null).then().statusCode(200).header("x-understudy-model", "claude-opus-4-1");
        ask("budgeted", COMPLEX, null).then().statusCode(200).header("x-understudy-model", "gpt-4o-mini")
                .header("x-understudy-notice", "Shorter response due to capacity limits")
                .body("understudy.degraded", equalTo(true));
        assertThat(savings().getBoolean("routes.find { it.route == 'budgeted' }.over_budget")).isTrue();
        assertThat(claude().requestCount()).isEqualTo(1);
    }

    static JsonPath savings() {
        return given().get("/admin/savings").then().statusCode(200).extract().jsonPath();
    }

    static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
