package dev.understudy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A throw-away Redis Cluster of three masters (no replicas): three {@code redis-server --cluster-enabled yes}
 * processes on free 127.0.0.1 ports, joined by {@code redis-cli --cluster create}. Its slots are spread over
 * the three, so keys land on different nodes and a cross-slot command fails as it would in production.
 */
public final class RedisCluster implements AutoCloseable {

    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    public static RedisCluster start() {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                int port = portWithFreeBus();
                Path conf = Path.of("target", "redis-cluster-" + port + ".conf");
                Files.deleteIfExists(conf);
                nodes.add(RedisServer.start(port, List.of("--cluster-enabled", "yes", "--cluster-config-file",
                        conf.toAbsolutePath().toString(), "--cluster-node-timeout", "5000")));
            }
            RedisCluster cluster = new RedisCluster(List.copyOf(nodes));
            List<String> create = new ArrayList<>(List.of(RedisServer.findOnPath("redis-cli"), "--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            String out = run(create);
            boolean ok = Await.within(Duration.ofSeconds(15), Duration.ofMillis(100),
                    () -> nodes.stream().allMatch(n -> run(List.of(RedisServer.findOnPath("redis-cli"), "-p",
                            String.valueOf(n.port()), "cluster", "info")).contains("cluster_state:ok")));
            if (!ok) {
                cluster.close();
                throw new IllegalStateException("the cluster did not reach cluster_state:ok:\n" + out);
            }
            return cluster;
        } catch (IOException | RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    /** {@code redis://127.0.0.1:P1,redis://127.0.0.1:P2,...}, for {@code quarkus.redis.hosts}. */
    public String hosts() {
        return nodes.stream().map(RedisServer::url).collect(Collectors.joining(","));
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A free port whose cluster bus port (+10000) is free and valid too. */
    private static int portWithFreeBus() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = free(0);
            if (port + 10_000 <= 65_535 && free(port + 10_000) > 0) {
                return port;
            }
            int low = 20_000 + (int) (Math.abs(System.nanoTime()) % 30_000);
            if (free(low) > 0 && free(low + 10_000) > 0) {
                return low;
            }
        }
        throw new IllegalStateException("no free port pair for a cluster node");
    }

    private static int free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            return -1;
        }
    }
}
