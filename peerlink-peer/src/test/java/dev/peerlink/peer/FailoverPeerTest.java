package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 item 4 on loopback: a device registered at server A moves to server B when A stops, within the heartbeat
 * window; the peer connection it had made through A keeps carrying a stream written across the stop (hashed); a
 * device on B then connects to the moved device through B.
 */
class FailoverPeerTest {
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    SignalServer server(int port) throws Exception {
        SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", port))
                .heartbeat(HEARTBEAT).build(), List.of(), id -> Optional.empty());
        toClose.add(s);
        return s;
    }

    Peer peer(String id, List<URI> servers, Aliases aliases) throws Exception {
        // the SDK's default backoff (500 ms .. 30 s): the figure printed below is what applications get
        Peer p = Peer.builder().identity(DeviceIdentity.ephemeral(DeviceId.of(id))).servers(servers).aliases(aliases)
                .discovery(false).ladder(LadderConfig.defaults().withLoopback(true)).build();
        toClose.add(p);
        p.start().get(10, TimeUnit.SECONDS);
        return p;
    }

    static boolean registeredAt(Peer p, URI server) {
        return p.signalling().state() == SignallingClient.State.REGISTERED && server.equals(p.signalling().server());
    }

    @Test
    void deviceMovesToBKeepsItsConnectionFlowingAndIsReachableThroughB() throws Exception {
        SignalServer a = server(0);
        int bPort = SignallingFailoverTest.freePort();
        URI urlA = URI.create(a.url());
        URI urlB = URI.create("ws://127.0.0.1:" + bPort + "/v1/signal");
        // B is not up yet, so both devices register at A whichever server they try first
        Peer mover = peer("mover", List.of(urlA, urlB), new Aliases(null, null, "mover-name"));
        Peer other = peer("other", List.of(urlA, urlB), Aliases.NONE);
        assertThat(mover.signalling().server()).isEqualTo(urlA);
        SignalServer b = server(bPort);

        HashSink sink = new HashSink();
        other.onConnection(c -> c.onStream(sink::drain));
        PeerConnection c = mover.connect(Identity.device("other")).get(15, TimeUnit.SECONDS);
        SecureStream st = c.openStream();
        Writer writer = new Writer(st);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.bytes.get() > 1 << 20);

        long stopped = System.nanoTime();
        long atStop = sink.bytes.get();
        a.close();
        await().atMost(HEARTBEAT).until(() -> registeredAt(mover, urlB));
        long moved = System.nanoTime();
        await().atMost(HEARTBEAT).until(() -> registeredAt(other, urlB));
        System.out.printf("failover: mover re-registered at B %d ms after A stopped (other %d ms); path %s%n",
                TimeUnit.NANOSECONDS.toMillis(moved - stopped), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped),
                c.path());
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.bytes.get() > atStop + (2 << 20));

        byte[] sent = writer.finish();
        byte[] received = sink.done.get(20, TimeUnit.SECONDS);
        assertThat(sink.bytes.get()).isEqualTo(writer.bytes.get());
        assertThat(received).as("the stream written across the stop arrived intact").isEqualTo(sent);

        Peer late = peer("late", List.of(urlB), Aliases.NONE);
        mover.onConnection(LadderLoopbackTest::echo);
        PeerConnection viaB = late.connect(Identity.username("mover-name")).get(15, TimeUnit.SECONDS);
        assertThat(viaB.peer().deviceId()).isEqualTo(DeviceId.of("mover"));
        LadderLoopbackTest.assertEcho(viaB, 256 * 1024);
        assertThat(b.onlineDevices()).isEqualTo(3);
    }

    @Test
    void aPullModeDeviceKeepsPollingAtTheNewServer() throws Exception {
        SignalServer a = server(0);
        int bPort = SignallingFailoverTest.freePort();
        URI urlB = URI.create("ws://127.0.0.1:" + bPort + "/v1/signal");
        Peer puller = Peer.builder().identity(DeviceIdentity.ephemeral(DeviceId.of("puller"))).servers(List.of(URI.create(a.url()), urlB))
                .discovery(false).ladder(LadderConfig.defaults().withLoopback(true)).acceptPushed(false)
                .pendingPoll(Duration.ofMillis(200)).build();
        toClose.add(puller);
        puller.start().get(10, TimeUnit.SECONDS);
        puller.onConnection(LadderLoopbackTest::echo);
        SignalServer b = server(bPort);
        a.close();
        await().atMost(HEARTBEAT).until(() -> registeredAt(puller, urlB));
        // requests are not pushed to it: only its pending polls at B can serve this connect
        Peer late = peer("late", List.of(urlB), Aliases.NONE);
        PeerConnection c = late.connect(Identity.device("puller")).get(15, TimeUnit.SECONDS);
        LadderLoopbackTest.assertEcho(c, 64 * 1024);
        assertThat(b.onlineDevices()).isEqualTo(2);
    }

    /** Writes seeded random data continuously (paced at about 8 MB/s, leaving CPU for the move) until finished. */
    static final class Writer {
        final AtomicLong bytes = new AtomicLong();
        final CompletableFuture<byte[]> digest = new CompletableFuture<>();
        volatile boolean stop;
        final Thread thread;

        Writer(SecureStream st) {
            thread = Thread.ofVirtual().name("failover-writer").start(() -> {
                try (OutputStream out = st.output()) {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    Random r = new Random(16);
                    byte[] chunk = new byte[16 * 1024];
                    while (!stop) {
                        r.nextBytes(chunk);
                        out.write(chunk);
                        md.update(chunk);
                        bytes.addAndGet(chunk.length);
                        LockSupport.parkNanos(2_000_000); // pacing, not synchronisation
                    }
                    digest.complete(md.digest());
                } catch (Exception e) {
                    digest.completeExceptionally(e);
                }
            });
        }

        byte[] finish() throws Exception {
            stop = true;
            return digest.get(20, TimeUnit.SECONDS);
        }
    }

    /** Reads a stream to its end, hashing and counting. */
    static final class HashSink {
        final AtomicLong bytes = new AtomicLong();
        final CompletableFuture<byte[]> done = new CompletableFuture<>();

        void drain(SecureStream st) {
            try (st; InputStream in = st.input()) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[32 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    md.update(buf, 0, n);
                    bytes.addAndGet(n);
                }
                done.complete(md.digest());
            } catch (IOException | java.security.NoSuchAlgorithmException e) {
                done.completeExceptionally(e);
            }
        }
    }
}
