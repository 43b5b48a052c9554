package dev.understudy.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.GatewayProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a caller gets for a request the gateway cannot serve as sent: the right status, the OpenAI error
 * shape with a message that says what is wrong, no stack trace, and no call to any provider.
 */
@QuarkusTest
@TestProfile(GatewayProfile.class)
class BadInputTest {

    private static final String USER_HI = "{\"role\":\"user\",\"content\":\"hi\"}";
    private static final int LIMIT = 64 * 1024;

    @TestHTTPResource("/v1/chat/completions")
    URL chatUrl;

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @AfterEach
    void noProviderWasCalledByABadRequest(org.junit.jupiter.api.TestInfo info) {
        if (info.getTestMethod().map(m -> m.getName().startsWith("aValidRequest")).orElse(false)) {
            return;
        }
        assertThat(FakeProviders.primary().requestCount()).as("requests that reached primary").isZero();
        assertThat(FakeProviders.secondary().requestCount()).as("requests that reached secondary").isZero();
        assertThat(FakeProviders.claude().requestCount()).as("requests that reached claude").isZero();
    }

    // ---- the body is not a usable JSON object ----

    @Test
    void malformedJsonIsRejectedWith400SayingTheBodyIsNotValidJson() {
        rejected("{\"model\":\"chain\",\"messages\":[" + USER_HI + "", 400, "JSON");
        rejected("{\"model\": chain}", 400, "JSON");
    }

    @Test
    void anEmptyBodyIsRejectedWith400SayingTheBodyIsEmpty() {
        rejected("", 400, "empty");
    }

    @Test
    void aJsonArrayBodyIsRejectedWith400SayingAnObjectIsExpected() {
        rejected("[" + chat("\"messages\":[" + USER_HI + "]") + "]", 400, "object");
    }

    // ---- messages ----

    @Test
    void aRequestWithoutMessagesIsRejectedWith400NamingMessages() {
        rejected("{\"model\":\"chain\"}", 400, "messages").body("error.param", equalTo("messages"));
    }

    @Test
    void anEmptyMessagesArrayIsRejectedWith400NamingMessages() {
        rejected(chat("\"messages\":[]"), 400, "messages").body("error.param", equalTo("messages"));
    }

    @Test
    void messagesThatAreNotAnArrayAreRejectedWith400NamingMessages() {
        rejected(chat("\"messages\":" + USER_HI), 400, "messages").body("error.param", equalTo("messages"));
        rejected(chat("\"messages\":\"hi\""), 400, "messages");
    }

    @Test
    void aMessageWithAnInvalidRoleIsRejectedWith400NamingTheRole() {
        rejected(chat("\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]"), 400, "role")
                .body("error.param", equalTo("messages[0].role"));
    }

    @Test
    void contentOfTheWrongTypeIsRejectedWith400NamingTheContent() {
        rejected(chat("\"messages\":[" + USER_HI + ",{\"role\":\"user\",\"content\":42}]"), 400, "content")
                .body("error.param", equalTo("messages[1].content"));
    }

    // ---- sampling and output parameters ----

    @Test
    void temperatureAsAStringIsRejectedWith400NamingTemperature() {
        rejected(chat("\"messages\":[" + USER_HI + "],\"temperature\":\"0.7\""), 400, "temperature")
                .body("error.param", equalTo("temperature"));
    }

    @Test
    void aNegativeMaxTokensIsRejectedWith400NamingMaxTokens() {
        rejected(chat("\"messages\":[" + USER_HI + "],\"max_tokens\":-5"), 400, "max_tokens")
                .body("error.param", equalTo("max_tokens"));
    }

    @Test
    void streamThatIsNotABooleanIsRejectedWith400NamingStream() {
        rejected(chat("\"messages\":[" + USER_HI + "],\"stream\":\"yes\""), 400, "stream")
                .body("error.param", equalTo("stream"));
    }

    @Test
    void askingForTwoChoicesIsRejectedWith400SayingOnlyOneIsSupported() {
        rejected(chat("\"messages\":[" + USER_HI + "],\"n\":2"), 400, "n=1").body("error.param", equalTo("n"));
    }

    // ---- routing and size ----

    @Test
    void anUnknownRouteIsRejectedWith404ModelNotFound() {
        rejected("{\"model\":\"nope\",\"messages\":[" + USER_HI + "]}", 404, "nope")
                .body("error.code", equalTo("model_not_found"))
                .body("error.param", equalTo("model"));
    }

    @Test
    void aBodyOverTheLimitIsRejectedWith413() {
        rejected(oversizedBody(), 413, "limit").body("error.code", equalTo("request_too_large"));
    }

    @Test
    void aChunkedBodyOverTheLimitIsRejectedWith413() throws Exception {
        // No Content-Length: the gateway has to count the bytes as they arrive.
        byte[] body = oversizedBody().getBytes(StandardCharsets.UTF_8);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(chatUrl.toURI()).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<String> res = client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .get(15, TimeUnit.SECONDS);

        assertThat(res.statusCode()).as("status; body: %s", res.body()).isEqualTo(413);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        JsonNode error = dev.understudy.provider.json.Json.MAPPER.readTree(res.body()).path("error");
        assertThat(error.path("message").asText()).containsIgnoringCase("limit");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("request_too_large");
        assertThat(res.body()).doesNotContain("Exception").doesNotContain("at dev.");
    }

    // ---- the control case ----

    @Test
    void aValidRequestWithImagePartsAndAToolCallHistoryIsAccepted() {
        String body = """
                {"model":"chain","messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"user","content":[
                    {"type":"text","text":"What is in this picture, and what is the weather there?"},
                    {"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"low"}},
                    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}}
                  ]},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}
                  ]},
                  {"role":"tool","tool_call_id":"call_1","content":"18 C, sunny"},
                  {"role":"user","content":"Summarise."}
                ],
                "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather by city",
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
                "tool_choice":"auto","temperature":0.2,"max_tokens":100,"stream":false,"n":1}
                """;

        given().contentType("application/json").body(body)
                .when().post("/v1/chat/completions")
                .then().statusCode(200)
                .header("x-understudy-provider", "primary")
                .body("choices[0].message.content", equalTo("Hello from primary"));

        assertThat(FakeProviders.primary().requestCount()).isEqualTo(1);
        JsonNode sent = FakeProviders.primary().lastRequest().json();
        assertThat(sent.path("model").asText()).isEqualTo("gpt-primary");
        assertThat(sent.at("/messages/1/content/1/image_url/url").asText()).isEqualTo("https://example.com/cat.png");
        assertThat(sent.at("/messages/1/content/2/image_url/url").asText()).startsWith("data:image/png;base64,");
        assertThat(sent.at("/messages/2/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(sent.at("/messages/3/tool_call_id").asText()).isEqualTo("call_1");
        assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
    }

    // ---- helpers ----

    /** A chat request on route {@code chain} with the given fields after the model. */
    private static String chat(String fields) {
        return "{\"model\":\"chain\"," + fields + "}";
    }

    private static String oversizedBody() {
        return chat("\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(LIMIT + 4096) + "\"}]");
    }

    /**
     * Posts {@code body} and checks the rejection: the status, a JSON body in the OpenAI error shape whose
     * message mentions every one of {@code mentions}, and no trace of a Java exception.
     */
    private static ValidatableResponse rejected(String body, int status, String... mentions) {
        ValidatableResponse res = given().contentType("application/json").body(body)
                .when().post("/v1/chat/completions")
                .then().statusCode(status)
                .contentType(startsWith("application/json"))
                .body("$", hasKey("error"))
                .body("error", allOf(hasKey("message"), hasKey("type"), hasKey("param"), hasKey("code")))
                .body("error.message", not(emptyOrNullString()))
                .body("error.type", equalTo("invalid_request_error"))
                .body(not(containsString("Exception")))
                .body(not(containsString("at dev.")));
        for (String mention : mentions) {
            res.body("error.message", containsStringIgnoringCase(mention));
        }
        return res;
    }

    @Test
    void rejectsAMessageLongerThanTheLimit() {
        io.restassured.RestAssured.given().contentType("application/json")
                .body("{\"model\":\"chain\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + "y".repeat(25_000) + "\"}]}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.code", org.hamcrest.Matchers.equalTo("message_too_long"));
    }

    @Test
    void rejectsAMaxTokensAboveTheRoutesCeiling() {
        io.restassured.RestAssured.given().contentType("application/json")
                .body("{\"model\":\"capped\",\"max_tokens\":5000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.code", org.hamcrest.Matchers.equalTo("max_tokens_too_large"));
    }

    @Test
    void aValidRequestWithoutMaxTokensGetsTheRoutesCeiling() {
        io.restassured.RestAssured.given().contentType("application/json")
                .body("{\"model\":\"capped\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        assertThat(FakeProviders.primary().lastRequest().json().get("max_tokens").asInt()).isEqualTo(1000);
    }
}
