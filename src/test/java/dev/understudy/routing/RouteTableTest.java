package dev.understudy.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.understudy.config.UnderstudyConfig;
import dev.understudy.metrics.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.understudy.provider.ProviderFactory;
import dev.understudy.resilience.Ticker;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Start-up validation of routes and targets: a bad configuration names every problem at once. */
class RouteTableTest {

    private static final Vertx VERTX = Vertx.vertx();

    @AfterAll
    static void close() {
        VERTX.close();
    }

    private static RouteTable table(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(UnderstudyConfig.class)
                .withConverter(Duration.class, 200, io.quarkus.runtime.configuration.DurationConverter::parseDuration)
                .withConverter(io.quarkus.runtime.configuration.MemorySize.class, 200,
                        new io.quarkus.runtime.configuration.MemorySizeConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return new RouteTable(config.getConfigMapping(UnderstudyConfig.class), new ProviderFactory(VERTX),
                Ticker.SYSTEM, new Metrics(new SimpleMeterRegistry()));
    }

    @Test
    void targetsInheritTheDefaultsAndAreOrderedByPriorityThenListOrder() {
        RouteTable t = table(Map.of(
                "understudy.providers.a.type", "mock",
                "understudy.providers.b.type", "openai",
                "understudy.providers.b.base-url", "http://127.0.0.1:9/v1",
                "understudy.defaults.timeout", "7s",
                "understudy.routes.r.targets[0].provider", "a",
                "understudy.routes.r.targets[0].model", "m1",
                "understudy.routes.r.targets[1].provider", "b",
                "understudy.routes.r.targets[1].model", "m2",
                "understudy.routes.r.targets[1].priority", "1",
                "understudy.routes.r.targets[1].timeout", "500ms"));
        Route r = t.route("r");
        assertThat(r.targets()).extracting(Target::id).containsExactly("b/m2", "a/m1");
        assertThat(r.targets().get(0).timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(r.targets().get(1).timeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(r.targets().get(1).retries()).isEqualTo(2);
        assertThat(r.deadline()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void rejectsABadConfigurationWithOneMessageNamingEveryProblem() {
        assertThatThrownBy(() -> table(Map.of(
                "understudy.providers.a.type", "gemini",
                "understudy.providers.b.type", "openai",
                "understudy.providers.b.base-url", "not a url",
                "understudy.routes.r.strategy", "cheapest",
                "understudy.routes.r.targets[0].provider", "nowhere",
                "understudy.routes.r.targets[0].model", "m")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("understudy.providers.a.type: 'gemini' is not one of")
                .hasMessageContaining("understudy.providers.b.base-url: 'not a url' is not an http(s) URL")
                .hasMessageContaining("understudy.routes.r.strategy: 'cheapest'")
                .hasMessageContaining("understudy.routes.r.targets[0].provider: 'nowhere' is not a configured provider");
    }

    @Test
    void rejectsAnUnknownProbeAndAFailureThresholdBelowOne() {
        assertThatThrownBy(() -> table(Map.of(
                "understudy.providers.a.type", "mock",
                "understudy.providers.a.probe", "ping",
                "understudy.circuit-breaker.failure-threshold", "0",
                "understudy.routes.r.targets[0].provider", "a",
                "understudy.routes.r.targets[0].model", "m")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("understudy.providers.a.probe: 'ping' is not one of [chat, models]")
                .hasMessageContaining("understudy.circuit-breaker.failure-threshold must be 1 or more");
    }

    @Test
    void switchesOffAVendorProviderWithoutAKeyAndARouteLeftWithoutTargets() {
        RouteTable t = table(Map.of(
                "understudy.providers.openai.type", "openai",
                "understudy.providers.openai.base-url", "https://api.openai.com/v1",
                "understudy.providers.m.type", "mock",
                "understudy.routes.real.targets[0].provider", "openai",
                "understudy.routes.real.targets[0].model", "gpt-4o",
                "understudy.routes.mixed.targets[0].provider", "openai",
                "understudy.routes.mixed.targets[0].model", "gpt-4o",
                "understudy.routes.mixed.targets[1].provider", "m",
                "understudy.routes.mixed.targets[1].model", "mock"));
        assertThat(t.route("real")).isNull();
        assertThat(t.route("mixed").targets()).extracting(Target::id).containsExactly("m/mock");
    }
}
