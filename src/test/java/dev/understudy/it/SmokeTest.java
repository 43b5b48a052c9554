package dev.understudy.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(GatewayProfile.class)
class SmokeTest {

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @Test
    void answersFromTheFirstTargetOfTheRoute() {
        given().contentType("application/json")
                .body("{\"model\":\"chain\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions")
                .then().statusCode(200)
                .header("x-understudy-provider", "primary")
                .body("model", equalTo("gpt-primary"))
                .body("choices[0].message.content", equalTo("Hello from primary"));
    }
}
