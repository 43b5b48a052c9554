package dev.understudy.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A real redis-server on a free port for the gateway under test; tests may kill and restart it. */
public class RedisResource implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisServer server;
    private static int port;

    public static RedisServer server() {
        return server;
    }

    /** Kills the server (the gateway must keep answering from providers). */
    public static void kill() {
        server.close();
    }

    /** Starts it again on the same port. */
    public static void restart() {
        server = RedisServer.start(port);
    }

    @Override
    public Map<String, String> start() {
        server = RedisServer.start();
        port = server.port();
        return Map.of("quarkus.redis.hosts", server.url());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
