package dev.peerlink.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.cluster.ClusterHarness.Instance;
import dev.peerlink.peer.ConnectException;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.LadderConfig;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.Message;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.testkit.db.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three server instances sharing a real Redis and PostgreSQL: devices on different instances find and reach each
 * other as on one server, a device moving instance replaces its old connection, and the failure behaviour of
 * docs/operations.md ("Cluster mode") holds for PostgreSQL down, Redis restarted and an instance dying.
 */
class ClusterBrokeringTest extends ClusterTestBase {
    @Test
    void devicesOnDifferentInstancesConnectByIdAndByAliasAndMoveBytes() throws Exception {
        Peer a = peer(cluster.get(0), "alice", Aliases.NONE, DeviceIdentity.ephemeral(DeviceId.of("alice")));
        Peer b = peer(cluster.get(1), "bob", new Aliases(null, null, "bobby"), DeviceIdentity.ephemeral(DeviceId.of("bob")));
        Peer c = peer(cluster.get(2), "carol", Aliases.NONE, DeviceIdentity.ephemeral(DeviceId.of("carol")));
        b.onConnection(ClusterBrokeringTest::echo);

        PeerConnection ab = a.connect(Identity.device("bob")).get(20, TimeUnit.SECONDS);
        assertThat(ab.peer().deviceId()).isEqualTo(DeviceId.of("bob"));
        assertEcho(ab, 1 << 20);
        PeerConnection cb = c.connect(Identity.username("bobby")).get(20, TimeUnit.SECONDS);
        assertThat(cb.peer().deviceId()).isEqualTo(DeviceId.of("bob"));
        assertEcho(cb, 256 * 1024);

        // Brokered where each connect was asked, to a target on another instance.
        assertThat(cluster.get(0).server().stats().connects("accepted")).isEqualTo(1);
        assertThat(cluster.get(2).server().stats().connects("accepted")).isEqualTo(1);
        assertThat(cluster.get(1).server().stats().connectRequests()).isZero();
        assertThat(cluster.get(1).server().onlineDevices()).isEqualTo(1);
    }

    @Test
    void aDeviceRegisteringOnAnotherInstanceReplacesItsOldConnection() throws Exception {
        DeviceIdentity mover = DeviceIdentity.ephemeral(DeviceId.of("mover"));
        Peer before = peer(cluster.get(0), "mover", Aliases.NONE, mover);
        assertThat(cluster.get(0).server().onlineDevices()).isEqualTo(1);

        Peer after = peer(cluster.get(1), "mover", Aliases.NONE, mover);
        after.onConnection(ClusterBrokeringTest::echo);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(cluster.get(0).server().onlineDevices()).isZero();
            assertThat(before.signalling().state()).isEqualTo(SignallingClient.State.FAILED);
        });
        assertThat(cluster.get(1).server().onlineDevices()).isEqualTo(1);
        assertThat(presence("mover")).isEqualTo("i2");

        Peer a = peer(cluster.get(2), "a", Aliases.NONE, DeviceIdentity.ephemeral(DeviceId.of("a")));
        assertEcho(a.connect(Identity.device("mover")).get(20, TimeUnit.SECONDS), 64 * 1024);
    }

    @Test
    void anAliasThatMovesThroughOneInstanceIsFollowedByTheOthers() throws Exception {
        Peer alice = aliceWithBobbyCachedOnI1();
        bobRenamedAndBobbyTakenOnI3();

        // i3's invalidation reaches i1 over pub/sub, asynchronously; until it does i1 would still route to bob
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(target(alice, "bobby")).isEqualTo("carol"));
        assertThat(target(alice, "robert")).isEqualTo("bob");
    }

    @Test
    void anAliasThatMovedWhileRedisWasDownIsFollowedOnceItIsBack() throws Exception {
        Peer alice = aliceWithBobbyCachedOnI1();
        REDIS.stopServer(); // the alias change's broadcast is lost
        bobRenamedAndBobbyTakenOnI3();
        REDIS.restartServer();

        // i1's bus reconnects and drops its cached aliases; presence is re-published by i3
        // (until carol's presence is back the connect fails as offline: retried)
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(ExecutionException.class)
                .untilAsserted(() -> assertThat(target(alice, "bobby")).isEqualTo("carol"));
        assertThat(target(alice, "robert")).isEqualTo("bob");
    }

    private final DeviceIdentity bobKey = DeviceIdentity.ephemeral(DeviceId.of("bob"));

    /** Bob ("bobby") on i2, alice on i1 having reached him by that alias (so i1 caches it); then bob leaves. */
    private Peer aliceWithBobbyCachedOnI1() throws Exception {
        Peer bob = peer(cluster.get(1), "bob", new Aliases(null, null, "bobby"), bobKey);
        bob.onConnection(ClusterBrokeringTest::echo);
        Peer alice = peer(cluster.get(0), "alice", Aliases.NONE, DeviceIdentity.ephemeral(DeviceId.of("alice")));
        assertThat(target(alice, "bobby")).isEqualTo("bob");
        bob.close();
        return alice;
    }

    /** Bob comes back through i3 as "robert", releasing "bobby", which carol then takes there. */
    private void bobRenamedAndBobbyTakenOnI3() throws Exception {
        peer(cluster.get(2), "bob", new Aliases(null, null, "robert"), bobKey).onConnection(ClusterBrokeringTest::echo);
        peer(cluster.get(2), "carol", new Aliases(null, null, "bobby"), DeviceIdentity.ephemeral(DeviceId.of("carol")))
                .onConnection(ClusterBrokeringTest::echo);
    }

    /** Connects to {@code username} and says which device answered (echo checked). */
    private static String target(Peer from, String username) throws Exception {
        PeerConnection c = from.connect(Identity.username(username)).get(20, TimeUnit.SECONDS);
        try {
            assertEcho(c, 1024);
            return c.peer().deviceId().value();
        } finally {
            c.close();
        }
    }

    @Test
    void withPostgresDownNewDevicesAreRefusedClearlyAndRegisteredOnesKeepWorking() throws Exception {
        Peer a = peer(cluster.get(0), "a", Aliases.NONE, DeviceIdentity.ephemeral(DeviceId.of("a")));
        Peer b = peer(cluster.get(1), "b", Aliases.NONE, DeviceIdentity.ephemeral(DeviceId.of("b")));
        b.onConnection(ClusterBrokeringTest::echo);
        PeerConnection established = a.connect(Identity.device("b")).get(20, TimeUnit.SECONDS);
        assertEcho(established, 64 * 1024);

        PG.stopServer();
        try {
            try (WireDevice newcomer = new WireDevice("newcomer")) {
                Message answer = newcomer.register(cluster.get(2).url(), Aliases.NONE);
                assertThat(answer).isInstanceOfSatisfying(Message.Error.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REGISTRY_UNAVAILABLE);
                    assertThat(e.message()).isEqualTo("registry unavailable");
                });
            }
            assertEcho(established, 256 * 1024);
            PeerConnection again = a.connect(Identity.device("b")).get(20, TimeUnit.SECONDS);
            assertEcho(again, 64 * 1024);
        } finally {
            PG.restartServer();
        }
        try (WireDevice newcomer = new WireDevice("newcomer")) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(newcomer.register(cluster.get(2).url(), Aliases.NONE)).isInstanceOf(Message.Registered.class));
        }
    }

    @Test
    void aRegistrationWaitingOnTheDatabaseHoldsUpNoOther() throws Exception {
        String url = cluster.get(2).url();
        try (WireDevice renamer = new WireDevice("renamer"); WireDevice known = new WireDevice("known")) {
            assertThat(renamer.register(url, Aliases.NONE)).isInstanceOf(Message.Registered.class);
            assertThat(known.register(url, Aliases.NONE)).isInstanceOf(Message.Registered.class);
            try (Connection db = DriverManager.getConnection(cluster.jdbcUrl(), EmbeddedPostgres.SUPERUSER, null);
                 Statement st = db.createStatement()) {
                // the database stalls: the alias table locked by a transaction left open
                db.setAutoCommit(false);
                st.execute("LOCK TABLE registry_aliases IN ACCESS EXCLUSIVE MODE");
                CompletableFuture<Message> renaming = CompletableFuture.supplyAsync(() -> {
                    try {
                        return renamer.register(url, new Aliases(null, null, "renamed"));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, r -> Thread.ofVirtual().start(r)); // not the common pool: the JDK's WebSocket handshakes need it
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> waitingOnLocks(st) > 0);

                // a cached device with nothing new to store registers meanwhile, on the same instance
                assertThat(known.register(url, Aliases.NONE)).isInstanceOf(Message.Registered.class);
                assertThat(renaming).as("the renaming still waits on the database").isNotDone();

                db.rollback(); // the database is back
                assertThat(renaming.get(10, TimeUnit.SECONDS)).isInstanceOf(Message.Registered.class);
            }
        }
    }

    private static int waitingOnLocks(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void afterARedisRestartInstancesRepublishPresenceAndCrossInstanceConnectsWorkAgain() throws Exception {
        Peer a = peer(cluster.get(0), "a", Aliases.NONE, DeviceIdentity.ephemeral(DeviceId.of("a")));
        Peer b = peer(cluster.get(1), "b", Aliases.NONE, DeviceIdentity.ephemeral(DeviceId.of("b")));
        b.onConnection(ClusterBrokeringTest::echo);
        assertThat(presence("b")).isEqualTo("i2");

        REDIS.stopServer();
        REDIS.restartServer(); // empty: every presence entry is gone

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(presence("b")).isEqualTo("i2"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertEcho(a.connect(Identity.device("b")).get(10, TimeUnit.SECONDS), 64 * 1024));
    }

    @Test
    void aDeadInstancesDevicesLeavePresenceWithinTheWindowConnectsToThemFailFastAndEstablishedConnectionsFlow() throws Exception {
        Peer a = peer(cluster.get(0), "a", Aliases.NONE, DeviceIdentity.ephemeral(DeviceId.of("a")));
        Peer doomed = peer(cluster.get(2), "doomed", Aliases.NONE, DeviceIdentity.ephemeral(DeviceId.of("doomed")));
        doomed.onConnection(ClusterBrokeringTest::echo);
        assertThat(presence("doomed")).isEqualTo("i3");
        PeerConnection established = a.connect(Identity.device("doomed")).get(20, TimeUnit.SECONDS);
        assertEcho(established, 64 * 1024);

        // Die without a goodbye: first the link to Redis (no presence release), then the server.
        Instance dead = cluster.get(2);
        dead.node().close();
        long diedAt = System.nanoTime();
        dead.server().close();
        await().atMost(ClusterHarness.WINDOW.plusSeconds(1)).until(() -> presence("doomed") == null);
        assertThat(Duration.ofNanos(System.nanoTime() - diedAt)).isLessThanOrEqualTo(ClusterHarness.WINDOW.plusSeconds(1));
        assertEcho(established, 256 * 1024); // the peer connection never depended on the instance

        long t0 = System.nanoTime();
        try {
            a.connect(Identity.device("doomed")).get(20, TimeUnit.SECONDS);
            throw new AssertionError("connected to a device whose instance is dead");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(ConnectException.class,
                    ce -> assertThat(ce.code()).isEqualTo(ErrorCode.OFFLINE));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    private Peer peer(Instance in, String id, Aliases aliases, DeviceIdentity identity) throws Exception {
        Peer p = Peer.builder().identity(identity).aliases(aliases).server(in.url()).discovery(false)
                .ladder(LadderConfig.defaults().withLoopback(true)).backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
        toClose.add(p);
        p.start().get(10, TimeUnit.SECONDS);
        return p;
    }

    static void echo(PeerConnection c) {
        c.onStream(st -> {
            try (st) {
                st.input().transferTo(st.output());
            } catch (IOException e) {
                // the sending side reports it
            }
        });
    }

    /** Sends {@code n} seeded bytes on a new stream and checks the echo's SHA-256. */
    static void assertEcho(PeerConnection c, int n) throws Exception {
        byte[] data = new byte[n];
        new Random(n).nextBytes(data);
        SecureStream st = c.openStream();
        Thread writer = Thread.ofVirtual().start(() -> {
            try (OutputStream out = st.output()) {
                out.write(data);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        byte[] back;
        try (InputStream in = st.input()) {
            back = in.readAllBytes();
        }
        writer.join();
        assertThat(MessageDigest.getInstance("SHA-256").digest(back)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
