package dev.peerlink.bench;

import dev.peerlink.testkit.db.EmbeddedPostgres;
import dev.peerlink.testkit.db.EmbeddedRedis;

/**
 * The cluster benchmark's shared engines: a throw-away redis-server and PostgreSQL on loopback (the test fixtures),
 * printed as {@code READY redis=… jdbc=… user=…}, stopped and deleted when this process is ended with TERM.
 */
public final class ClusterBackends {
    private ClusterBackends() {}

    public static void main(String[] args) throws Exception {
        EmbeddedRedis redis = new EmbeddedRedis();
        EmbeddedPostgres pg = new EmbeddedPostgres();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pg.afterAll(null);
            redis.afterAll(null);
        }));
        redis.beforeAll(null);
        pg.beforeAll(null);
        String jdbc = pg.createDatabase();
        System.out.println("READY redis=" + redis.uri() + " redis_port=" + redis.port() + " jdbc=" + jdbc + " user="
                + EmbeddedPostgres.SUPERUSER);
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await(); // until TERM: the shutdown hook stops both
    }
}
