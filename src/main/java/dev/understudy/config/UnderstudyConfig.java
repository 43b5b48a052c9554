package dev.understudy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** The {@code understudy.*} configuration (docs/configuration.md). Checked at start-up by {@code RouteTable}. */
@ConfigMapping(prefix = "understudy")
public interface UnderstudyConfig {

    /** Named provider endpoints. */
    Map<String, Provider> providers();

    /** Routes, selected by the request's {@code model}. */
    Map<String, Route> routes();

    /** What a target inherits unless it says otherwise. */
    Defaults defaults();

    @WithName("circuit-breaker")
    CircuitBreaker circuitBreaker();

    @WithName("health-check")
    HealthCheck healthCheck();

    Cache cache();

    Limits limits();

    Queue queue();

    Auth auth();

    /** What the request and attempt spans may carry (tracing itself: the quarkus.otel.* keys). */
    Tracing tracing();

    /** Caller authentication. No keys: the gateway is open (and says so loudly at start-up). */
    interface Auth {
        /** Gateway API keys by name; only their SHA-256 is configured, never the key. */
        Map<String, Key> keys();

        /** SHA-256 of the admin key; {@code /admin/*} needs it whenever caller keys are configured. */
        @WithName("admin-key-hash")
        Optional<String> adminKeyHash();

        /** {@code false}: no admin API at all (404). */
        @WithName("admin-enabled")
        @WithDefault("true")
        boolean adminEnabled();

        /**
         * A separate port for {@code /admin/*} (a second listener): when set, the admin API answers only
         * there and the main port answers 404 for it. Unset: the admin API shares the main port.
         */
        @WithName("admin-port")
        java.util.OptionalInt adminPort();

        /** Interface of the admin port; {@code 127.0.0.1} keeps it to the pod or host itself. */
        @WithName("admin-host")
        @WithDefault("0.0.0.0")
        String adminHost();

        interface Key {
            /** Hex SHA-256 of the key ({@code printf %s "$KEY" | sha256sum}), optionally prefixed "sha256:". */
            String hash();

            /** The routes this key may use; all when absent. */
            Optional<List<String>> routes();

            /** Sustained requests per second (token bucket); unlimited when absent. */
            OptionalDouble rate();

            /** Bucket size: how many requests may come at once (default: one second's worth, at least 1). */
            OptionalInt burst();

            /** Whose cache entries this key sees (default: the key's name). */
            Optional<String> tenant();
        }
    }

    interface Queue {
        /** How long a queued request may wait for a target before it expires. */
        @WithName("max-wait")
        @WithDefault("10m")
        Duration maxWait();

        /** How often queued requests are retried (only when a target of their route is available). */
        @WithName("poll-interval")
        @WithDefault("1s")
        Duration pollInterval();

        /** How long a finished request's result can still be read. */
        @WithName("result-ttl")
        @WithDefault("1h")
        Duration resultTtl();
    }

    interface Provider {
        /** openai | anthropic | bedrock | vertex | azure-openai | mock */
        String type();

        @WithName("base-url")
        Optional<String> baseUrl();

        @WithName("api-key")
        Optional<String> apiKey();

        /** Extra headers sent with every request to this provider (e.g. an organisation id). */
        Map<String, String> headers();

        /** Whether the endpoint continues a final assistant turn (prefill). Default by type. */
        Optional<Boolean> prefill();

        /**
         * How an open breaker's trial (and an idle target's check) asks this provider: {@code chat}, a
         * one-token chat request to the target's own model; {@code models}, the endpoint's free model-list
         * request — only where that list is served by the same process as chat (e.g. a self-hosted server).
         */
        @WithDefault("chat")
        String probe();

        /** Upstream connections kept per provider endpoint. */
        @WithName("max-connections")
        @WithDefault("256")
        int maxConnections();

        // --- bedrock providers only (each falls back to the standard AWS environment variables) ---

        /** Bedrock: AWS region, e.g. us-east-1 (default AWS_REGION, then AWS_DEFAULT_REGION); names the endpoint and the signing scope. */
        Optional<String> region();

        /** Bedrock: access key id of long-term or temporary credentials (default AWS_ACCESS_KEY_ID). */
        @WithName("access-key-id")
        Optional<String> accessKeyId();

        /** Bedrock: the secret that goes with {@code access-key-id} (default AWS_SECRET_ACCESS_KEY). */
        @WithName("secret-access-key")
        Optional<String> secretAccessKey();

        /** Bedrock: session token of temporary credentials (default AWS_SESSION_TOKEN). */
        @WithName("session-token")
        Optional<String> sessionToken();

        /** Bedrock: web-identity token file for STS AssumeRoleWithWebIdentity (default AWS_WEB_IDENTITY_TOKEN_FILE; EKS IRSA). */
        @WithName("web-identity-token-file")
        Optional<String> webIdentityTokenFile();

        /** Bedrock: the role assumed with the web-identity token (default AWS_ROLE_ARN). */
        @WithName("role-arn")
        Optional<String> roleArn();

        // --- vertex and azure-openai providers only (see docs/providers-cloud.md) ---

        /** Vertex: Google Cloud project id (default GOOGLE_CLOUD_PROJECT). */
        Optional<String> project();

        /** Vertex: region such as us-central1, or global (default GOOGLE_CLOUD_LOCATION). */
        Optional<String> location();

        /** Vertex: service-account key JSON (default GOOGLE_APPLICATION_CREDENTIALS); else the metadata server. */
        @WithName("credentials-file")
        Optional<String> credentialsFile();

        /** Azure OpenAI: a dated API version such as 2024-10-21, or v1 for the v1 API. */
        @WithName("api-version")
        @WithDefault("2024-10-21")
        String apiVersion();

        /** Azure OpenAI: Microsoft Entra tenant (default AZURE_TENANT_ID). */
        @WithName("tenant-id")
        Optional<String> tenantId();

        /** Azure OpenAI: Entra application (client) id (default AZURE_CLIENT_ID). */
        @WithName("client-id")
        Optional<String> clientId();

        /** Azure OpenAI: the application's client secret (default AZURE_CLIENT_SECRET). */
        @WithName("client-secret")
        Optional<String> clientSecret();

        /** Azure OpenAI: federated token file, AKS workload identity (default AZURE_FEDERATED_TOKEN_FILE). */
        @WithName("federated-token-file")
        Optional<String> federatedTokenFile();

        /** Azure OpenAI: the Entra token endpoint (default from AZURE_AUTHORITY_HOST and the tenant). */
        @WithName("token-url")
        Optional<String> tokenUrl();

        // --- mock providers only ---

        /** Mock: delay before the answer (or between streamed words, divided by word count). */
        Optional<Duration> latency();

        /** Mock: share of requests that fail, 0..1, spread evenly (deterministic, not random). */
        @WithName("failure-rate")
        OptionalDouble failureRate();

        /** Mock: HTTP-like status of the injected failures. */
        @WithName("failure-status")
        OptionalInt failureStatus();

        /** Mock: the answer text. */
        Optional<String> answer();
    }

    interface Route {
        /** fallback | cost | latency */
        @WithDefault("fallback")
        String strategy();

        /** The whole budget of one request across all attempts. */
        @WithDefault("60s")
        Duration deadline();

        List<Target> targets();

        Degraded degraded();

        Budget budget();

        /** Ceiling on {@code max_tokens}: higher is a 400; a request without one gets this. */
        @WithName("max-tokens")
        OptionalInt maxTokens();

        /** Serve an exact cache hit before calling any provider (normal caching); default: emergencies only. */
        @WithName("cache-first")
        @WithDefault("false")
        boolean cacheFirst();

        /**
         * {@code false}: the route is not served (no breakers, probes or metrics for it) — the way for a
         * mounted config to switch off a route of the jar's own, such as {@code demo}.
         */
        @WithDefault("true")
        boolean enabled();
    }

    interface Target {
        String provider();

        String model();

        Optional<Duration> timeout();

        @WithName("first-token-timeout")
        Optional<Duration> firstTokenTimeout();

        @WithName("idle-timeout")
        Optional<Duration> idleTimeout();

        OptionalInt retries();

        /** Lower goes first; targets without one keep their list order after those with one. */
        OptionalInt priority();

        /** Capability tier for the cost strategy: 1 simple, 2 moderate, 3 complex (default: the price table's). */
        OptionalInt tier();

        /** USD per 1M input tokens (default: the shipped price table's list price). */
        @WithName("price-input")
        OptionalDouble priceInput();

        /** USD per 1M output tokens (default: the shipped price table's list price). */
        @WithName("price-output")
        OptionalDouble priceOutput();
    }

    interface Budget {
        /** Spend per UTC day above which the route stops using targets above {@code tier-over-budget}. */
        @WithName("daily-usd")
        OptionalDouble dailyUsd();

        /** The highest tier a route over its budget still uses (it never fails for budget reasons alone). */
        @WithName("tier-over-budget")
        @WithDefault("1")
        int tierOverBudget();
    }

    interface Degraded {
        /** Static answers by caller category ({@code x-understudy-category}), {@code general} the fallback. */
        Map<String, String> messages();
    }

    interface Defaults {
        @WithDefault("30s")
        Duration timeout();

        @WithName("first-token-timeout")
        @WithDefault("10s")
        Duration firstTokenTimeout();

        @WithName("idle-timeout")
        @WithDefault("10s")
        Duration idleTimeout();

        @WithDefault("2")
        int retries();

        /** First retry backoff; doubles per retry, with jitter. */
        @WithName("backoff")
        @WithDefault("200ms")
        Duration backoff();

        @WithName("max-backoff")
        @WithDefault("5s")
        Duration maxBackoff();
    }

    interface CircuitBreaker {
        @WithName("failure-threshold")
        @WithDefault("5")
        int failureThreshold();

        /** Open → first trial; doubles after each failed trial. */
        @WithDefault("5s")
        Duration delay();

        /** The longest wait between trials: a recovery is noticed within this (plus the trial interval). */
        @WithName("max-delay")
        @WithDefault("20s")
        Duration maxDelay();
    }

    interface HealthCheck {
        /** How often an idle target (closed breaker, no traffic for this long) is checked. */
        @WithDefault("30s")
        Duration interval();

        /** How often the prober looks for open breakers whose trial is due (no call unless one is). */
        @WithName("trial-interval")
        @WithDefault("1s")
        Duration trialInterval();
    }

    interface Cache {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("7d")
        Duration ttl();

        @WithName("max-entries")
        @WithDefault("10000")
        int maxEntries();

        /** The similar-question lookup (an in-process embedding model); off leaves the exact cache alone. */
        @WithName("similar-lookup")
        @WithDefault("true")
        boolean similarLookup();

        /** Cosine at or above which a similar question's answer may be served (then the guard decides). */
        @WithName("similarity-threshold")
        @WithDefault("0.84")
        double similarityThreshold();
    }

    interface Limits {
        /** Largest accepted request body; larger is a 413. */
        @WithName("max-body-size")
        @WithDefault("4M")
        io.quarkus.runtime.configuration.MemorySize maxBodySize();

        @WithName("max-messages")
        @WithDefault("2048")
        int maxMessages();

        /** Longest text of one message, in characters; longer is a 400. */
        @WithName("max-message-chars")
        @WithDefault("1000000")
        int maxMessageChars();

        /**
         * Time a caller has to send its whole request body once its headers arrived; slower (a slowloris
         * trickling its body) is a 408 and the connection is closed. No provider is called before the body is in.
         */
        @WithName("body-timeout")
        @WithDefault("30s")
        java.time.Duration bodyTimeout();

        /**
         * Time a streaming caller may leave its connection unread while events wait for it; longer, the
         * gateway drops the connection and cancels the upstream request (a slow or stuck reader).
         */
        @WithName("write-stall-timeout")
        @WithDefault("30s")
        java.time.Duration writeStallTimeout();
    }

    interface Tracing {
        /**
         * Put the prompt and the answer text on the attempt spans ({@code gen_ai.input.messages},
         * {@code gen_ai.output.messages}). Off: no message text in any span.
         */
        @WithName("capture-content")
        @WithDefault("false")
        boolean captureContent();
    }
}
