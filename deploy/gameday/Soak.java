// The soak: mixed traffic with chaos toggled, heap and RSS sampled for a growth trend.

package gameday;

import static gameday.Support.*;

import gameday.GameDay.*;
import gameday.Support.*;
import gameday.Traffic.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

final class Soak {
    final Options o;
    final Gateway gw;
    final Map<String, List<String>> routeProviders = new LinkedHashMap<>();
    final Set<String> down = ConcurrentHashMap.newKeySet();
    final String jcmd;

    Soak(Options o, Gateway gw) {
        this.o = o;
        this.gw = gw;
        Path j = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        this.jcmd = o.pid > 0 && Files.isExecutable(j) ? j.toString() : null;
    }

    @SuppressWarnings("unchecked")
    void discover() {
        for (Object ro : (List<Object>) gw.status().get("routes")) {
            Map<String, Object> r = (Map<String, Object>) ro;
            String name = (String) r.get("name");
            if (name.equals(o.route) || name.equals(o.cachedRoute)) {
                List<String> ps = new ArrayList<>();
                for (Object to : (List<Object>) r.get("targets")) {
                    String p = (String) ((Map<String, Object>) to).get("provider");
                    if (!ps.contains(p)) {
                        ps.add(p);
                    }
                }
                routeProviders.put(name, ps);
            }
        }
        if (!routeProviders.containsKey(o.route)) {
            throw new IllegalStateException("no route '" + o.route + "': start the gateway with deploy/gameday/gameday.yaml");
        }
    }

    boolean live(String route) {
        List<String> ps = routeProviders.get(route);
        return ps == null || ps.stream().anyMatch(p -> !down.contains(p));
    }

    /** The traffic mix, by i mod 50. */
    Spec spec(long i) {
        int k = (int) (i % 50);
        String route = o.route;
        String q = POOL[(int) ((i / 50 + i) % POOL.length)];
        if (k < 18) { // 36% chat, non-streaming
            return chat("chat", route, q, false, Map.of());
        } else if (k < 28) { // 20% chat, streaming
            return chat("chat-stream", route, q, true, Map.of());
        } else if (k < 35) { // 14% messages, non-streaming
            return messages("messages", route, q, false);
        } else if (k < 40) { // 10% messages, streaming
            return messages("messages-stream", route, q, true);
        } else if (k < 44 && routeProviders.containsKey(o.cachedRoute)) { // 8% cache-first route: cache hits
            String cq = POOL[(int) (i % 3)];
            return chat("cached", o.cachedRoute, cq, (i & 1) == 0, Map.of());
        } else if (k < 46) { // 4% new questions, not cached (no legitimate growth of the cache)
            return chat("unique", route, "Soak question " + i + ": what time is it?", false,
                    Map.of("x-understudy-no-cache", "true"));
        }
        String body = switch (k % 4) { // 8% bad requests
            case 0 -> "{\"model\":" + Json.quote(route) + ",\"messages\":[";
            case 1 -> "{\"model\":" + Json.quote(route) + "}";
            case 2 -> "{\"model\":\"no-such-route\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            default -> "{\"model\":" + Json.quote(route) + ",\"messages\":\"hi\"}";
        };
        return new Spec("bad", "/v1/chat/completions", body, false, false, true, Map.of());
    }

    Spec chat(String kind, String route, String q, boolean stream, Map<String, String> headers) {
        String body = "{\"model\":" + Json.quote(route) + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + Json.quote(q) + "}]" + (stream ? ",\"stream\":true" : "") + "}";
        return new Spec(kind, "/v1/chat/completions", body, stream, false, false, headers);
    }

    Spec messages(String kind, String route, String q, boolean stream) {
        String body = "{\"model\":" + Json.quote(route) + ",\"max_tokens\":200,\"messages\":[{\"role\":\"user\","
                + "\"content\":" + Json.quote(q) + "}]" + (stream ? ",\"stream\":true" : "") + "}";
        return new Spec(kind, "/v1/messages", body, stream, true, false, Map.of());
    }

    /** The chaos cycle: one phase per --chaos-seconds, always leaving a target of the game-day route live. */
    List<Map.Entry<String, Runnable>> phases() {
        List<String> ps = routeProviders.get(o.route);
        String p1 = ps.get(0);
        String p2 = ps.get(1);
        List<Map.Entry<String, Runnable>> l = new ArrayList<>();
        l.add(Map.entry("calm", () -> { }));
        l.add(Map.entry("outage " + p1, () -> {
            gw.chaos(p1, "\"outage\":true");
            down.add(p1);
        }));
        l.add(Map.entry("calm", () -> { }));
        l.add(Map.entry("429 storm on " + p1, () -> {
            gw.chaos(p1, "\"rate-limit\":true");
            down.add(p1);
        }));
        l.add(Map.entry("error-rate 0.5 (502) on " + p2 + ", latency 2s on " + p1, () -> {
            gw.chaos(p2, "\"error-rate\":0.5,\"status\":502");
            gw.chaos(p1, "\"latency\":\"2s\"");
        }));
        l.add(Map.entry("calm", () -> { }));
        l.add(Map.entry("outage " + p1 + " and " + p2, () -> {
            gw.chaos(p1, "\"outage\":true");
            gw.chaos(p2, "\"outage\":true");
            down.add(p1);
            down.add(p2);
        }));
        return l;
    }

    static String rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return line.replaceAll("[^0-9]", "");
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    void forceGc() {
        if (jcmd == null) {
            return;
        }
        try {
            Process p = new ProcessBuilder(jcmd, String.valueOf(o.pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // no jcmd after all: the regression uses the per-minute minimum
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    record MemSample(double tS, double heapMiB, double oldGenMiB, double rssMiB, boolean afterForcedGc) {
    }

    MemSample memSample(double tS, boolean afterGc) {
        Map<String, Double> m = gw.metrics();
        double heap = 0;
        double old = 0;
        for (Map.Entry<String, Double> e : m.entrySet()) {
            if (e.getKey().startsWith("jvm_memory_used_bytes{") && "heap".equals(Metrics.label(e.getKey(), "area"))) {
                heap += e.getValue();
                if (Metrics.label(e.getKey(), "id").contains("Old") || Metrics.label(e.getKey(), "id").contains("Tenured")) {
                    old += e.getValue();
                }
            }
        }
        String rss = o.pid > 0 ? rss(o.pid) : null;
        return new MemSample(round1(tS), round1(heap / MiB), round1(old / MiB),
                rss == null ? -1 : round1(Long.parseLong(rss) / 1024.0), afterGc);
    }

    int run() throws IOException {
        discover();
        double total = o.minutes * 60;
        System.out.printf(Locale.ROOT, "Understudy soak against %s: %s min at %s req/s (+%s s warm-up), chaos phase every %s s,"
                + " memory sample every %s s%s%n", o.url, fmt(o.minutes), fmt(o.rate), fmt(o.warmupSeconds),
                fmt(o.chaosSeconds), fmt(o.sampleSeconds), o.pid > 0 ? ", pid " + o.pid
                        + (jcmd != null ? " (forced GC with jcmd each minute)" : "") : " (no --pid: no RSS, no forced GC)");
        gw.resetAll();
        long start = System.nanoTime();
        Load realLoad = new Load(gw, o.rate, start, this::spec,
                spec -> live(Json.routeOf(spec.body()))).start();
        List<MemSample> mem = new ArrayList<>();
        List<Map<String, Object>> phaseLog = new ArrayList<>();
        List<Map.Entry<String, Runnable>> phases = phases();
        double warm = o.warmupSeconds;
        double end = warm + total;
        double nextSample = warm;
        double nextPhase = warm;
        double nextGc = warm;
        int phase = 0;
        while (true) {
            double now = (System.nanoTime() - start) / 1e9;
            if (now >= end) {
                break;
            }
            if (now >= nextPhase) {
                gw.clearChaos(null);
                down.clear();
                Map.Entry<String, Runnable> ph = phases.get(phase++ % phases.size());
                ph.getValue().run();
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("t_s", round1(now));
                e.put("phase", ph.getKey());
                phaseLog.add(e);
                System.out.printf(Locale.ROOT, "t=%6.1f s  chaos: %s%n", now, ph.getKey());
                nextPhase += o.chaosSeconds;
            }
            if (now >= nextGc && jcmd != null) {
                forceGc();
                MemSample ms = memSample((System.nanoTime() - start) / 1e9, true);
                mem.add(ms);
                System.out.printf(Locale.ROOT, "t=%6.1f s  after forced GC: heap %.1f MiB, RSS %.1f MiB%n", ms.tS(),
                        ms.heapMiB(), ms.rssMiB());
                nextGc += 60;
            }
            if (now >= nextSample) {
                MemSample ms = memSample(now, false);
                mem.add(ms);
                System.out.printf(Locale.ROOT, "t=%6.1f s  heap %.1f MiB (old gen %.1f), RSS %.1f MiB, %d sent%n", ms.tS(),
                        ms.heapMiB(), ms.oldGenMiB(), ms.rssMiB(), realLoad.sent.get());
                nextSample += o.sampleSeconds;
            }
            double wake = Math.min(end, Math.min(nextPhase, Math.min(nextSample, jcmd != null ? nextGc : end)));
            sleepMs((long) Math.max(1, (wake - (System.nanoTime() - start) / 1e9) * 1000));
        }
        gw.clearChaos(null);
        down.clear();
        List<Result> all = realLoad.stop();
        forceGc();
        MemSample last = memSample((System.nanoTime() - start) / 1e9, jcmd != null);
        mem.add(last);
        return report(all, mem, phaseLog, warm, end);
    }

    int report(List<Result> all, List<MemSample> mem, List<Map<String, Object>> phaseLog, double warm, double end)
            throws IOException {
        List<Result> results = all.stream().filter(r -> r.sentMs() >= warm * 1000).toList();
        long failedLive = results.stream().filter(r -> !r.ok() && r.live()).count();
        long failed = results.stream().filter(r -> !r.ok()).count();
        long bad5xx = results.stream().filter(r -> r.expectError() && (r.status() >= 500 || r.status() < 400)).count();
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("kind", "soak");
        rep.put("gateway", o.url);
        rep.put("minutes", o.minutes);
        rep.put("rate_per_s", o.rate);
        rep.put("warmup_s", warm);
        rep.put("requests", results.size());
        rep.put("requests_in_warmup", all.size() - results.size());
        rep.put("by_kind", countBy(results, Result::kind));
        rep.put("by_status", countBy(results, r -> String.valueOf(r.status())));
        rep.put("by_source", countBy(results, Result::source));
        rep.put("by_provider", countBy(results.stream().filter(Result::answered).toList(), Result::provider));
        rep.put("not_as_expected", failed);
        rep.put("failed_while_a_target_was_live", failedLive);
        rep.put("bad_requests_not_answered_4xx", bad5xx);
        rep.put("latency_ms", percentiles(results.stream().filter(r -> !r.expectError() && r.answered())
                .map(Result::latencyMs).toList()));
        rep.put("chaos_phases", phaseLog);
        // per minute
        List<Map<String, Object>> minutes = new ArrayList<>();
        int nMin = (int) Math.ceil((end - warm) / 60.0 - 1e-9);
        List<double[]> minHeap = new ArrayList<>();
        List<double[]> gcHeap = new ArrayList<>();
        List<double[]> rssPts = new ArrayList<>();
        for (int m = 0; m < nMin; m++) {
            double a = warm + m * 60;
            double b = Math.min(end, a + 60);
            List<Result> in = results.stream().filter(r -> r.sentMs() >= a * 1000 && r.sentMs() < b * 1000).toList();
            List<MemSample> ms = mem.stream().filter(x -> !x.afterForcedGc() && x.tS() >= a && x.tS() < b).toList();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("minute", m + 1);
            row.put("requests", in.size());
            row.put("not_as_expected", in.stream().filter(r -> !r.ok()).count());
            row.put("p99_ms", percentiles(in.stream().filter(r -> !r.expectError() && r.answered())
                    .map(Result::latencyMs).toList()).get("p99"));
            double mh = ms.stream().mapToDouble(MemSample::heapMiB).min().orElse(Double.NaN);
            double mr = ms.stream().mapToDouble(MemSample::rssMiB).max().orElse(Double.NaN);
            MemSample gc = mem.stream().filter(x -> x.afterForcedGc() && x.tS() >= a && x.tS() < b).findFirst().orElse(null);
            row.put("min_heap_mib", Double.isNaN(mh) ? null : mh);
            row.put("heap_after_forced_gc_mib", gc == null ? null : gc.heapMiB());
            row.put("max_rss_mib", Double.isNaN(mr) || mr < 0 ? null : mr);
            if (!Double.isNaN(mh)) {
                minHeap.add(new double[] {m + 1, mh});
            }
            if (gc != null) {
                gcHeap.add(new double[] {gc.tS() / 60.0, gc.heapMiB()});
            }
            if (!Double.isNaN(mr) && mr > 0) {
                rssPts.add(new double[] {m + 1, mr});
            }
            minutes.add(row);
        }
        MemSample lastGc = mem.get(mem.size() - 1);
        if (lastGc.afterForcedGc()) {
            gcHeap.add(new double[] {lastGc.tS() / 60.0, lastGc.heapMiB()});
        }
        rep.put("per_minute", minutes);
        rep.put("memory_samples", mem.stream().map(x -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("t_s", x.tS());
            s.put("heap_mib", x.heapMiB());
            s.put("old_gen_mib", x.oldGenMiB());
            s.put("rss_mib", x.rssMiB() < 0 ? null : x.rssMiB());
            s.put("after_forced_gc", x.afterForcedGc());
            return s;
        }).toList());
        List<MemSample> regular = mem.stream().filter(x -> !x.afterForcedGc()).toList();
        MemSample first = regular.stream().filter(x -> x.tS() >= warm).findFirst().orElse(mem.get(0));
        MemSample lastRegular = regular.isEmpty() ? last(mem) : last(regular);
        MemSample firstGc = mem.stream().filter(MemSample::afterForcedGc).findFirst().orElse(null);
        Map<String, Object> memRep = new LinkedHashMap<>();
        memRep.put("heap_start_mib", first.heapMiB());
        memRep.put("heap_end_mib", lastRegular.heapMiB());
        memRep.put("heap_after_forced_gc_start_mib", firstGc == null ? null : firstGc.heapMiB());
        memRep.put("heap_after_forced_gc_end_mib", lastGc.afterForcedGc() ? lastGc.heapMiB() : null);
        memRep.put("rss_start_mib", first.rssMiB() < 0 ? null : first.rssMiB());
        memRep.put("rss_end_mib", lastRegular.rssMiB() < 0 ? null : lastRegular.rssMiB());
        Double slopeGc = gcHeap.size() >= 3 ? round2(slope(gcHeap)) : null;
        Double slopeMin = minHeap.size() >= 3 ? round2(slope(minHeap)) : null;
        Double slopeRss = rssPts.size() >= 3 ? round2(slope(rssPts)) : null;
        memRep.put("slope_heap_after_forced_gc_mib_per_min", slopeGc);
        memRep.put("slope_min_heap_per_minute_mib_per_min", slopeMin);
        memRep.put("slope_max_rss_per_minute_mib_per_min", slopeRss);
        rep.put("memory", memRep);
        Double trend = slopeGc != null ? slopeGc : slopeMin;
        boolean noGrowth = trend == null || trend < o.maxHeapSlope;
        List<Map<String, Object>> checks = new ArrayList<>();
        check(checks, "no request failed while a target was live", failedLive == 0, failedLive + " failed");
        check(checks, "bad requests answered with a 4xx (never a 5xx)", bad5xx == 0, bad5xx + " not 4xx");
        check(checks, "no heap growth trend (slope < " + fmt(o.maxHeapSlope) + " MiB/min)", noGrowth,
                trend == null ? "too short to tell" : trend + " MiB/min (" + (slopeGc != null
                        ? "heap after forced GC" : "minimum heap per minute") + ")");
        rep.put("checks", checks);
        boolean pass = checks.stream().allMatch(c -> Boolean.TRUE.equals(c.get("ok")));
        rep.put("verdict", pass ? "PASS" : "FAIL");
        List<Result> notOk = results.stream().filter(r -> !r.ok()).toList();
        if (!notOk.isEmpty()) {
            rep.put("not_as_expected_examples", notOk.stream().limit(20).map(Support::describe).toList());
        }
        Files.writeString(Path.of(o.json), Json.write(rep) + "\n");
        printReport(rep);
        return pass ? 0 : 1;
    }

    @SuppressWarnings("unchecked")
    void printReport(Map<String, Object> rep) {
        System.out.printf(Locale.ROOT, "%n== soak report%n");
        System.out.printf(Locale.ROOT, "requests:        %s after warm-up (%s in warm-up), %s not as expected, %s failed while a "
                + "target was live%n", rep.get("requests"), rep.get("requests_in_warmup"), rep.get("not_as_expected"),
                rep.get("failed_while_a_target_was_live"));
        System.out.printf(Locale.ROOT, "by kind:         %s%n", rep.get("by_kind"));
        System.out.printf(Locale.ROOT, "by status:       %s%n", rep.get("by_status"));
        System.out.printf(Locale.ROOT, "by source:       %s%n", rep.get("by_source"));
        System.out.printf(Locale.ROOT, "by provider:     %s%n", rep.get("by_provider"));
        Map<String, Object> lat = (Map<String, Object>) rep.get("latency_ms");
        System.out.printf(Locale.ROOT, "latency ms:      p50 %s  p95 %s  p99 %s  max %s (answered, bad requests excluded)%n",
                lat.get("p50"), lat.get("p95"), lat.get("p99"), lat.get("max"));
        System.out.printf(Locale.ROOT, "%n%6s %9s %8s %8s %14s %20s %12s%n", "minute", "requests", "not ok", "p99 ms",
                "min heap MiB", "heap after GC MiB", "max RSS MiB");
        for (Map<String, Object> row : (List<Map<String, Object>>) rep.get("per_minute")) {
            System.out.printf(Locale.ROOT, "%6s %9s %8s %8s %14s %20s %12s%n", row.get("minute"), row.get("requests"),
                    row.get("not_as_expected"), row.get("p99_ms"), nz(row.get("min_heap_mib")),
                    nz(row.get("heap_after_forced_gc_mib")), nz(row.get("max_rss_mib")));
        }
        Map<String, Object> m = (Map<String, Object>) rep.get("memory");
        System.out.printf(Locale.ROOT, "%nheap used (sampled, after warm-up): %s MiB at start, %s MiB at end; after a forced GC: %s MiB at start, %s MiB at end%n",
                m.get("heap_start_mib"), m.get("heap_end_mib"), nz(m.get("heap_after_forced_gc_start_mib")),
                nz(m.get("heap_after_forced_gc_end_mib")));
        System.out.printf(Locale.ROOT, "RSS: %s MiB at start, %s MiB at end%n", nz(m.get("rss_start_mib")),
                nz(m.get("rss_end_mib")));
        System.out.printf(Locale.ROOT, "trend (least squares): heap after forced GC %s MiB/min; minimum heap per minute %s "
                + "MiB/min; max RSS per minute %s MiB/min%n", nz(m.get("slope_heap_after_forced_gc_mib_per_min")),
                nz(m.get("slope_min_heap_per_minute_mib_per_min")), nz(m.get("slope_max_rss_per_minute_mib_per_min")));
        printChecks(rep, "not_as_expected_examples", "requests not as expected (first 20):");
        System.out.printf(Locale.ROOT, "verdict: %s   (JSON report: %s)%n", rep.get("verdict"), o.json);
    }
}
