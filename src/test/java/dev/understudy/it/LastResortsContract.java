package dev.understudy.it;

import static dev.understudy.it.Calls.events;
import static dev.understudy.it.Calls.streamedText;
import static dev.understudy.testing.FakeProviders.primary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.Script;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a caller gets when every target failed, the same on Redis and on the in-process stores:
 * exact cache → (similar cache) → wait queue → static answer → 503. Each test asks its own question,
 * so entries of one test never answer another's.
 */
abstract class LastResortsContract {

    static final Script DOWN = Script.json(503, "{\"error\":{\"message\":\"down\"}}");

    String question;

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
        question = "What is the capital of France? (" + UUID.randomUUID() + ")";
    }

    static String body(String route, String question, boolean stream) {
        return "{\"model\":\"" + route + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + question + "\"}]}";
    }

    static RequestSpecification json() {
        return given().contentType("application/json");
    }

    /** Asks once while the provider is up, so the answer gets stored (off the request path). */
    void answeredOnceBy(String text) {
        primary().enqueue(Script.openAiAnswer(text));
        json().body(body("solo", question, false)).post("/v1/chat/completions").then().statusCode(200)
                .header("x-understudy-source", "provider");
    }

    /** The stored answer is written in the background: retries the outage request, bounded. */
    static Response within(Duration limit, Supplier<Response> call, String source) {
        long end = System.nanoTime() + limit.toNanos();
        Response r = call.get();
        while (!source.equals(r.header("x-understudy-source")) && System.nanoTime() < end) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            r = call.get();
        }
        return r;
    }

    @Test
    void servesTheExactCachedAnswerWhenEveryTargetFails() {
        answeredOnceBy("Paris.");
        primary().setDefault(DOWN);
        Response r = within(Duration.ofSeconds(3), () -> json().body(body("solo", question, false))
                .post("/v1/chat/completions"), "cache");
        r.then().statusCode(200)
                .header("x-understudy-source", "cache")
                .header("x-understudy-notice", "Cached response due to high demand")
                .header("x-understudy-provider", nullValue())
                .body("choices[0].message.content", equalTo("Paris."))
                .body("model", equalTo("gpt-primary"))
                .body("understudy.degraded", equalTo(true))
                .body("understudy.source", equalTo("cache"));
    }

    @Test
    void aDifferentAnswerToTheSameQuestionReplacesTheStoredOneAtOnce() {
        answeredOnceBy("Lyon.");
        answeredOnceBy("Paris."); // moments later, another answer: not held back like a repeat of the same one
        primary().setDefault(DOWN);
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        String served = null;
        while (!"Paris.".equals(served) && System.nanoTime() < end) {
            Response r = json().body(body("solo", question, false)).post("/v1/chat/completions");
            served = "cache".equals(r.header("x-understudy-source"))
                    ? r.jsonPath().getString("choices[0].message.content") : null;
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        org.junit.jupiter.api.Assertions.assertEquals("Paris.", served);
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("understudy_cache_writes_waiting"))
                .body(org.hamcrest.Matchers.containsString("understudy_cache_writes_dropped_total 0.0"));
    }

    @Test
    void replaysACachedAnswerAsAProperSseStream() {
        answeredOnceBy("Paris is the capital.");
        primary().setDefault(DOWN);
        Response r = within(Duration.ofSeconds(3), () -> json().body(body("solo", question, true))
                .post("/v1/chat/completions"), "cache");
        r.then().statusCode(200).header("x-understudy-source", "cache");
        String sse = r.asString();
        assertThat(streamedText(sse)).isEqualTo("Paris is the capital.");
        assertThat(events(sse)).last().isEqualTo("[DONE]");
        assertThat(events(sse).size()).isGreaterThan(3); // word-sized chunks, a finish, [DONE]
    }

    @Test
    void aStreamedAnswerIsCachedForNonStreamingCallersToo() {
        primary().enqueue(Script.openAiStream("Streamed", " once."));
        json().body(body("solo", question, true)).post("/v1/chat/completions").then().statusCode(200);
        primary().setDefault(DOWN);
        within(Duration.ofSeconds(3), () -> json().body(body("solo", question, false)).post("/v1/chat/completions"),
                "cache").then().statusCode(200)
                .body("choices[0].message.content", equalTo("Streamed once."));
    }

    @Test
    void neverServesTheAnswerToADifferentQuestionOrAnotherRoute() {
        answeredOnceBy("Paris.");
        primary().setDefault(DOWN);
        json().body(body("solo", question + " And Germany?", false)).post("/v1/chat/completions").then()
                .statusCode(503);
        // the same question on another route (primary only, with a static answer): not the cached one
        json().body(body("degraded", question, false)).post("/v1/chat/completions").then()
                .statusCode(200).header("x-understudy-source", "static");
    }

    @Test
    void forgetsAnEntryAfterItsTimeToLive() {
        answeredOnceBy("Short-lived.");
        primary().setDefault(DOWN);
        within(Duration.ofSeconds(3), () -> json().body(body("solo", question, false)).post("/v1/chat/completions"),
                "cache").then().statusCode(200);
        // ttl is 2 s in these profiles: poll until the entry is gone (bounded)
        Response r = within(Duration.ofSeconds(5), () -> json().body(body("solo", question, false))
                .post("/v1/chat/completions"), "none");
        r.then().statusCode(503);
    }

    @Test
    void evictsTheOldestEntryBeyondTheLimit() {
        String first = question;
        answeredOnceBy("First.");
        for (int i = 0; i < 3; i++) { // max-entries is 3 in these profiles
            question = first + " #" + i;
            answeredOnceBy("Later " + i + ".");
        }
        primary().setDefault(DOWN);
        String last = question;
        within(Duration.ofSeconds(3), () -> json().body(body("solo", last, false)).post("/v1/chat/completions"),
                "cache").then().statusCode(200).body("choices[0].message.content", equalTo("Later 2."));
        // eviction completes with the last store, a moment after its entry is readable: bounded poll
        within(Duration.ofSeconds(2), () -> json().body(body("solo", first, false)).post("/v1/chat/completions"),
                "none").then().statusCode(503);
    }

    @Test
    void servesASimilarQuestionsAnswerButNotANearMissOne() {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos(); // the model loads in the background
        while (!given().get("/admin/cache").jsonPath().getBoolean("similar.available")) {
            org.assertj.core.api.Assertions.assertThat(System.nanoTime()).as("embedding model loaded").isLessThan(end);
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        question = "What is the capital of France?";
        answeredOnceBy("Paris is the capital of France.");
        primary().setDefault(DOWN);
        Response r = within(Duration.ofSeconds(3), () -> json().body(body("solo", "Which city is France's capital?",
                false)).post("/v1/chat/completions"), "similar-cache");
        r.then().statusCode(200)
                .header("x-understudy-source", "similar-cache")
                .header("x-understudy-notice", "Cached response due to high demand")
                .body("choices[0].message.content", equalTo("Paris is the capital of France."))
                .body("understudy.cache_similarity", org.hamcrest.Matchers.greaterThanOrEqualTo(0.89f));
        // a near miss: another country — never the French answer
        json().body(body("solo", "What is the capital of Germany?", false)).post("/v1/chat/completions").then()
                .statusCode(503);
    }

    @Test
    void aCallerCanOptOutOfTheCache() {
        primary().enqueue(Script.openAiAnswer("Not to keep."));
        json().header("x-understudy-no-cache", "true").body(body("solo", question, false))
                .post("/v1/chat/completions").then().statusCode(200);
        primary().setDefault(DOWN);
        json().body(body("solo", question, false)).post("/v1/chat/completions").then().statusCode(503);
    }

    @Test
    void queuesARequestThatCanWaitAndAnswersItWhenTheProviderRecovers() {
        primary().setDefault(DOWN);
        Response queued = json().header("x-understudy-can-wait", "true").body(body("solo", question, false))
                .post("/v1/chat/completions");
        queued.then().statusCode(202)
                .header("Location", org.hamcrest.Matchers.startsWith("/v1/queue/"))
                .body("status", equalTo("queued"));
        String id = queued.jsonPath().getString("id");
        given().get("/v1/queue/" + id).then().statusCode(200).body("status", equalTo("queued"));

        primary().setDefault(Script.openAiAnswer("Answered later."));
        Response done = pollQueue(id, "done", Duration.ofSeconds(5));
        done.then().body("response.choices[0].message.content", equalTo("Answered later."))
                .body("response.model", equalTo("gpt-primary"));
    }

    @Test
    void aQueuedRequestExpiresWhenNothingRecoversInTime() {
        primary().setDefault(DOWN);
        String id = json().header("x-understudy-can-wait", "true").body(body("solo", question, false))
                .post("/v1/chat/completions").then().statusCode(202).extract().jsonPath().getString("id");
        pollQueue(id, "expired", Duration.ofSeconds(6)); // max-wait is 3 s in these profiles
    }

    @Test
    void anUnknownQueueIdIsA404InTheOpenAiErrorShape() {
        given().get("/v1/queue/nope").then().statusCode(404).body("error.code", equalTo("queue_item_not_found"));
    }

    @Test
    void fallsBackToTheStaticAnswerWhenNothingIsCached() {
        primary().setDefault(DOWN);
        json().body(body("degraded", question, false)).post("/v1/chat/completions").then().statusCode(200)
                .header("x-understudy-source", "static")
                .body("understudy.degraded", equalTo(true));
    }

    static Response pollQueue(String id, String status, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        Response r;
        do {
            r = given().get("/v1/queue/" + id);
            if (status.equals(r.jsonPath().getString("status"))) {
                return r;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        } while (System.nanoTime() < end);
        throw new AssertionError("queue item " + id + " not " + status + " within " + limit + ": " + r.asString());
    }
}
