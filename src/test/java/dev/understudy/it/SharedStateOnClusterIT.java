package dev.understudy.it;

import dev.understudy.testing.RedisCluster;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link SharedStateContract} on a Redis Cluster of three masters, through the standard client settings
 * ({@code quarkus.redis.client-type=cluster}, every node in {@code quarkus.redis.hosts}): a command spanning
 * slots would fail here with CROSSSLOT.
 */
class SharedStateOnClusterIT extends SharedStateContract {

    private static RedisCluster cluster;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
        startTwoReplicas("cluster", Map.of("quarkus.redis.client-type", "cluster",
                "quarkus.redis.hosts", cluster.hosts()));
    }

    @AfterAll
    static void stopCluster() {
        stopAll();
        if (cluster != null) {
            cluster.close();
        }
    }
}
