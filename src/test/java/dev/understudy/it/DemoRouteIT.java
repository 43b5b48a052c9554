package dev.understudy.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * Runs against the packaged application (the JVM jar here; the native binary with -Dnative where
 * GraalVM/Mandrel exists) with the shipped configuration: the embedded default a new user sees.
 */
@QuarkusIntegrationTest
class DemoRouteIT {

    @Test
    void theShippedDemoRouteShowsAFallback() {
        given().contentType("application/json")
                .body("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions")
                .then().statusCode(200)
                .header("x-understudy-provider", "demo-steady")
                .header("x-understudy-fallback", "true")
                .body("understudy.attempts[0].outcome", equalTo("server"));
    }

    @Test
    void theShippedDemoRouteStreams() {
        given().contentType("application/json")
                .body("{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions")
                .then().statusCode(200)
                .body(containsString("data: [DONE]"));
    }

    @Test
    void listsTheDemoRouteAsAModel() {
        given().get("/v1/models").then().statusCode(200).body("data.id", hasItem("demo"));
    }

    @Test
    void isReady() {
        given().get("/q/health/ready").then().statusCode(200);
    }
}
