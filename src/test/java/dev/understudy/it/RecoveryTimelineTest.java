package dev.understudy.it;

import static dev.understudy.it.Calls.chat;
import static dev.understudy.testing.FakeProviders.primary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.understudy.health.ActiveProber;
import dev.understudy.testing.FakeProviders;
import dev.understudy.testing.RecoveryProfile;
import dev.understudy.testing.Script;
import dev.understudy.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole timeline of an outage and its recovery, through the HTTP surface on the hand-moved clock and
 * with the shipped recovery defaults: the primary of route {@code recovery} fails every call (503) for the
 * outage, then answers; a caller sends one request every 4 s (the published failover catalogue's timing);
 * the prober's round runs once a second, as {@code health-check.trial-interval} does by default.
 */
@QuarkusTest
@TestProfile(RecoveryProfile.class)
class RecoveryTimelineTest {

    private static final Logger LOG = Logger.getLogger(RecoveryTimelineTest.class);
    private static final Script DOWN = Script.json(503, "{\"error\":{\"message\":\"down\"}}");

    @Inject
    TestClock clock;

    @Inject
    ActiveProber prober;

    @BeforeEach
    void reset() {
        FakeProviders.resetAll();
    }

    @Test
    void aSixtySecondOutageCostsThePrimaryAtMostTenCallsAndItIsUsedAgainWithinThirtySecondsOfItsRecovery() {
        Timeline t = play(60, 120);

        assertThat(t.callsDuringOutage).as("requests and trials that reached the primary while it was down")
                .isLessThanOrEqualTo(10);
        assertThat(t.answeredDuringOutage).as("every request during the outage answered by the backup")
                .isEqualTo(15);
        assertThat(t.primaryAgainAt).as("first request served by the primary after its recovery at 60 s")
                .isBetween(60, 90);
        assertThat(t.trialsOk).as("the breaker was closed by a trial, not by a caller").isEqualTo(1);
        assertThat(t.spendAfterTrial).as("the successful trial's cost is in the route's ledger before any caller"
                + " was served by the primary (which has a price here; the backup is free)").isPositive();
        assertThat(metric("understudy_tokens_total\\{kind=\"completion\",model=\"gpt-primary\",provider=\"primary\"}"))
                .as("the trials' tokens are counted").isPositive();
    }

    @Test
    void aTenMinuteOutageIsTriedThreeTimesAMinuteAndItsRecoveryIsStillUsedWithinThirtySeconds() {
        Timeline t = play(600, 660);

        assertThat(t.primaryAgainAt).as("first request served by the primary after its recovery at 600 s")
                .isBetween(600, 630);
        // 5 calls open the breaker; trials after 5, 10, then every 20 s (the max delay)
        assertThat(t.callsDuringOutage).as("calls while down").isLessThanOrEqualTo(5 + 2 + 600 / 20);
        assertThat(t.answeredDuringOutage).isEqualTo(150);
    }

    /** What one played outage showed. */
    private record Timeline(int callsDuringOutage, int answeredDuringOutage, int primaryAgainAt, int trialsOk,
            double spendAfterTrial) {
    }

    /**
     * Plays the timeline second by second: the prober's round at each second, a request every fourth.
     * The primary is down for {@code [0, recoveryAt)} and answers from then on.
     */
    private Timeline play(int recoveryAt, int end) {
        primary().setDefault(DOWN);
        int callsDuringOutage = -1;
        int answeredDuringOutage = 0;
        int primaryAgainAt = -1;
        double trialsOkBefore = metric(TRIALS_OK);
        double spendBefore = spend();
        double spendAfterTrial = 0;
        List<String> log = new ArrayList<>();
        for (int second = 0; second <= end; second++) {
            if (second == recoveryAt) {
                callsDuringOutage = primary().requestCount() + primary().trialCount();
                primary().setDefault(Script.openAiAnswer("Hello from primary"));
            }
            int trialsBefore = primary().trialCount();
            prober.round().await().atMost(Duration.ofSeconds(10));
            if (primary().trialCount() > trialsBefore) {
                log.add(second + "s trial");
                if (second >= recoveryAt && primaryAgainAt < 0) {
                    spendAfterTrial = spend() - spendBefore;
                }
            }
            if (second % 4 == 0) {
                int before = primary().requestCount();
                String provider = chat("recovery").then().statusCode(200).extract().header("x-understudy-provider");
                if (primary().requestCount() > before) {
                    log.add(second + "s request->primary x" + (primary().requestCount() - before));
                }
                if (second < recoveryAt && "secondary".equals(provider)) {
                    answeredDuringOutage++;
                }
                if (second >= recoveryAt && "primary".equals(provider) && primaryAgainAt < 0) {
                    primaryAgainAt = second;
                    log.add(second + "s served by primary");
                }
            }
            clock.advance(Duration.ofSeconds(1));
        }
        LOG.infof("outage of %d s: %s", recoveryAt, log);
        return new Timeline(callsDuringOutage, answeredDuringOutage, primaryAgainAt,
                (int) (metric(TRIALS_OK) - trialsOkBefore), spendAfterTrial);
    }

    /** What route {@code recovery} spent so far, by its ledger. */
    private static double spend() {
        return given().get("/admin/savings").then().statusCode(200).extract().jsonPath()
                .getDouble("routes.find { it.route == 'recovery' }.cost_usd");
    }

    private static final String TRIALS_OK =
            "understudy_probes_total\\{kind=\"trial\",model=\"gpt-primary\",outcome=\"ok\",provider=\"primary\"}";

    /** The value of one Prometheus series (0 when absent). */
    private static double metric(String seriesPattern) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        var m = java.util.regex.Pattern.compile("(?m)^" + seriesPattern + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
