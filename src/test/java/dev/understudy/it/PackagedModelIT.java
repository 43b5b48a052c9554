package dev.understudy.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.understudy.testing.Await;
import dev.understudy.testing.GatewayProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway (target/quarkus-app, which keeps only the linux native libraries) with the shipped
 * configuration: it reports ready without waiting for its embedding model, then loads that model from the
 * packaged jars and turns the similar lookup on.
 */
class PackagedModelIT {

    @Test
    void isReadyBeforeItsEmbeddingModelLoadsAndThenLoadsItFromThePackagedJars() {
        try (GatewayProcess gateway = GatewayProcess.start("packaged-model", Map.of())) {
            // start() returned on the first ready probe; the model only begins to load once the server listens
            assertThat(gateway.log()).contains("similar lookup: off (the embedding model is still loading)");

            boolean loaded = Await.within(Duration.ofSeconds(60), Duration.ofMillis(100),
                    () -> gateway.log().contains("similar-cache lookup: "));
            assertThat(loaded).as(gateway.log()).isTrue();
            assertThat(gateway.log()).contains("similar-cache lookup: on (bge-small-en-v1.5-q");
            given().baseUri(gateway.url()).get("/admin/cache").then().statusCode(200)
                    .body("similar.available", equalTo(true))
                    .body("similar.description", containsString("ONNX Runtime in process"));
            given().baseUri(gateway.url()).get("/q/health/ready").then().statusCode(200);
        }
    }
}
