package dev.understudy.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.understudy.security.Keys;
import dev.understudy.testing.GatewayProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code understudy.auth.admin-enabled=false}: no admin API anywhere, not even with the admin key. */
class AdminDisabledIT {

    private static final String CALLER = "ust-caller-admin-disabled-0001";
    private static final String ADMIN = "ust-admin-admin-disabled-0002";

    @Test
    void aGatewayWithTheAdminApiSwitchedOffAnswers404ForEveryAdminPathButStillServesCallers() {
        try (GatewayProcess gateway = GatewayProcess.start("admin-disabled", Map.of(
                "understudy.auth.keys.app.hash", Keys.sha256(CALLER),
                "understudy.auth.admin-key-hash", Keys.sha256(ADMIN),
                "understudy.auth.admin-enabled", "false",
                "understudy.cache.similar-lookup", "false"))) {
            for (String path : new String[] {"/admin/status", "/admin/chaos", "/admin/cache", "/admin/savings"}) {
                given().baseUri(gateway.url()).header("Authorization", "Bearer " + ADMIN).get(path).then()
                        .statusCode(404).body("error.code", equalTo("not_found"));
            }
            given().baseUri(gateway.url()).header("Authorization", "Bearer " + ADMIN).contentType("application/json")
                    .body("{\"provider\":\"demo-steady\",\"outage\":true}").post("/admin/chaos").then().statusCode(404);
            given().baseUri(gateway.url()).header("Authorization", "Bearer " + CALLER).contentType("application/json")
                    .body("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/chat/completions").then().statusCode(200)
                    .header("x-understudy-provider", "demo-steady");
        }
    }
}
