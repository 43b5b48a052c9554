// Understudy game-day runner and soak test: a Java 22+ program run from source, no dependencies.
//
//   java deploy/gameday/GameDay.java [gameday] --url http://127.0.0.1:PORT [--quick] [options]
//   java deploy/gameday/GameDay.java soak --url http://127.0.0.1:PORT [--pid PID] [--minutes 10] [options]
//
// `gameday` plays outage scenarios against a running gateway through POST /admin/chaos while steady
// mixed traffic (streaming and not) flows, and reports per scenario: requests answered, by which source
// and provider, fallbacks, p50/p95/p99 latency, breaker transitions (polled from /admin/status), and the
// alerts of deploy/prometheus/understudy-alerts.yaml whose condition holds (evaluated on the gateway's
// own metrics; and, with --prometheus, what a real Prometheus says). Each scenario has expectations and
// a PASS/FAIL; the exit code is 1 when one fails. `soak` runs mixed traffic with chaos toggled every
// ~30 s and watches the gateway's heap and RSS for a growth trend. See deploy/gameday/README.md.
//
// Launched as one program by the JDK's multi-file source launcher (JDK 22+): the classes it uses are
// the other files of this directory, compiled on demand. Who does what:
//   GameDay.java    the command line (main, Options)
//   Traffic.java    the gateway over HTTP (requests, results, readiness) and the steady load
//   Observers.java  breaker states from /admin/status, metric samples from /q/metrics, Prometheus alerts
//   Alerts.java     the alert conditions of understudy-alerts.yaml, evaluated on the gateway's own metrics
//   Scenarios.java  the outage scenarios and the game-day run and report
//   Soak.java       the soak: mixed traffic with chaos toggled, heap and RSS trends
//   Support.java    statistics, Prometheus text, JSON, report printing

package gameday;

import static gameday.Support.*;

import gameday.Scenarios.*;
import gameday.Traffic.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class GameDay {

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("gameday: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.USAGE);
            return;
        }
        int code;
        try {
            Gateway gw = new Gateway(o);
            gw.awaitReady(Duration.ofSeconds(30));
            code = o.mode.equals("soak") ? new Soak(o, gw).run() : new GameDayRun(o, gw).run();
        } catch (IllegalStateException e) {
            System.err.println("gameday: " + e.getMessage()); // e.g. a 401/403 of /admin: --admin-key
            code = 2;
        }
        System.exit(code);
    }

    // ------------------------------------------------------------------------------------------------
    // Options

    static final class Options {
        static final String USAGE = """
                usage: java GameDay.java [gameday|soak] --url URL [options]
                  common:  --url URL            the gateway (required)
                           --api-key KEY        caller key (Authorization: Bearer) for /v1/*
                           --admin-key KEY      admin key for /admin/* (default: the api key)
                           --route NAME         the game-day route (default gameday)
                           --rate N             requests per second (default 20 gameday, 30 soak)
                           --json PATH          JSON report (default gameday-report.json / soak-report.json)
                           --rules PATH         alert rules (default deploy/prometheus/understudy-alerts.yaml)
                           --prometheus URL     a Prometheus scraping the gateway with those rules (optional)
                  gameday: --scenario-seconds N (default 60)   --quick (10 s scenarios)
                           --scenarios a,b,...  of primary-outage, rate-limit-surge, degradation, flapping, blackout
                           --flap-seconds N     outage on/off period of the flapping scenario (default 3; quick 1)
                           --recovery-grace N   extra seconds to wait for the primary to be used again (default 12)
                  soak:    --minutes N (default 10)  --warmup-seconds N (default 30)  --chaos-seconds N (default 30)
                           --sample-seconds N (default 10)  --pid PID (RSS from /proc, forced GC with jcmd)
                  both:    --gateway-log PATH   the gateway's console log: exact breaker transitions (run.sh sets it)
                           --cached-route NAME (default gameday-cached)  --max-heap-slope MiB/min (default 1.0)
                """;

        String mode = "gameday";
        String url;
        String apiKey;
        String adminKey;
        String route = "gameday";
        String cachedRoute = "gameday-cached";
        double rate = -1;
        String json;
        String rules;
        String prometheus;
        double scenarioSeconds = 60;
        boolean quick;
        List<String> scenarios = new ArrayList<>(List.of("primary-outage", "rate-limit-surge", "degradation",
                "flapping", "blackout"));
        double flapSeconds = -1;
        double recoveryGrace = 12;
        double minutes = 10;
        double warmupSeconds = 30;
        double chaosSeconds = 30;
        double sampleSeconds = 10;
        long pid = -1;
        String gatewayLog;
        double maxHeapSlope = 1.0;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            boolean secondsGiven = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--")) {
                    if (!a.equals("gameday") && !a.equals("soak")) {
                        throw new IllegalArgumentException("unknown mode '" + a + "'");
                    }
                    o.mode = a;
                    continue;
                }
                String key = a;
                String value = null;
                int eq = a.indexOf('=');
                if (eq > 0) {
                    key = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                if (key.equals("--quick")) {
                    o.quick = true;
                    continue;
                }
                if (key.equals("--help") || key.equals("-h")) {
                    o.help = true;
                    continue;
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(key + " needs a value");
                    }
                    value = args[++i];
                }
                switch (key) {
                    case "--url" -> o.url = value.replaceAll("/+$", "");
                    case "--api-key" -> o.apiKey = value;
                    case "--admin-key" -> o.adminKey = value;
                    case "--route" -> o.route = value;
                    case "--cached-route" -> o.cachedRoute = value;
                    case "--rate" -> o.rate = Double.parseDouble(value);
                    case "--json" -> o.json = value;
                    case "--rules" -> o.rules = value;
                    case "--prometheus" -> o.prometheus = value.isBlank() ? null : value.replaceAll("/+$", "");
                    case "--scenario-seconds" -> {
                        o.scenarioSeconds = Double.parseDouble(value);
                        secondsGiven = true;
                    }
                    case "--scenarios" -> o.scenarios = new ArrayList<>(List.of(value.split(",")));
                    case "--flap-seconds" -> o.flapSeconds = Double.parseDouble(value);
                    case "--recovery-grace" -> o.recoveryGrace = Double.parseDouble(value);
                    case "--minutes" -> o.minutes = Double.parseDouble(value);
                    case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(value);
                    case "--chaos-seconds" -> o.chaosSeconds = Double.parseDouble(value);
                    case "--sample-seconds" -> o.sampleSeconds = Double.parseDouble(value);
                    case "--pid" -> o.pid = Long.parseLong(value);
                    case "--gateway-log" -> o.gatewayLog = value;
                    case "--max-heap-slope" -> o.maxHeapSlope = Double.parseDouble(value);
                    default -> throw new IllegalArgumentException("unknown option " + key);
                }
            }
            if (o.help) {
                return o;
            }
            if (o.url == null) {
                throw new IllegalArgumentException("--url is required");
            }
            if (o.quick && !secondsGiven) {
                o.scenarioSeconds = 10;
            }
            if (o.rate <= 0) {
                o.rate = o.mode.equals("soak") ? 30 : 20;
            }
            if (o.flapSeconds <= 0) {
                o.flapSeconds = o.scenarioSeconds <= 20 ? 1 : 3;
            }
            if (o.adminKey == null) {
                o.adminKey = o.apiKey;
            }
            if (o.json == null) {
                o.json = o.mode.equals("soak") ? "soak-report.json" : "gameday-report.json";
            }
            if (o.rules == null) {
                for (Path p : List.of(Path.of("deploy/prometheus/understudy-alerts.yaml"),
                        Path.of("../prometheus/understudy-alerts.yaml"))) {
                    if (Files.exists(p)) {
                        o.rules = p.toString();
                        break;
                    }
                }
            }
            for (String s : o.scenarios) {
                if (!Scenario.NAMES.contains(s)) {
                    throw new IllegalArgumentException("unknown scenario '" + s + "' (known: " + Scenario.NAMES + ")");
                }
            }
            return o;
        }
    }

}
