package dev.peerlink.exit.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.exit.ExitException;
import dev.peerlink.exit.ExitFlow;
import dev.peerlink.exit.egress.Cidr;
import dev.peerlink.exit.egress.EgressRules;
import dev.peerlink.exit.provider.ExitConfig;
import dev.peerlink.exit.provider.ExitServer;
import dev.peerlink.exit.wire.ExitError;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.LadderConfig;
import dev.peerlink.peer.Peer;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The exit pool against two real providers on loopback: first choice, no flapping, failover when the exit dies. */
class ExitPoolTest {
    final List<AutoCloseable> toClose = new ArrayList<>();
    final List<PoolEvent> events = new CopyOnWriteArrayList<>();
    SignalServer server;
    ServerSocket echo;
    final java.util.Map<String, Peer> providers = new java.util.HashMap<>();
    final java.util.Map<String, ExitServer> exits = new java.util.HashMap<>();
    Peer requester;

    @BeforeEach
    void start() throws Exception {
        server = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).mappingMonitor(null)
                .build(), List.of(), id -> Optional.empty());
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (Exception ignored) {
                            // the test closed it
                        }
                    });
                } catch (Exception e) {
                    return;
                }
            }
        });
        for (String id : List.of("exit-a", "exit-b")) {
            Peer p = peer(id);
            providers.put(id, p);
            exits.put(id, ExitServer.start(p, ExitConfig.defaults(EgressRules.standard()
                    .withOpened(List.of(Cidr.parse("127.0.0.1/32")))), r -> r.equals("phone")));
        }
        requester = peer("phone");
    }

    Peer peer(String id) throws Exception {
        Peer p = Peer.builder().identity(DeviceIdentity.ephemeral(DeviceId.of(id))).server(server.url()).discovery(false)
                .ladder(LadderConfig.defaults().withLoopback(true)).build();
        p.start().get(10, TimeUnit.SECONDS);
        toClose.add(p);
        return p;
    }

    @AfterEach
    void stop() throws Exception {
        exits.values().forEach(ExitServer::close);
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        echo.close();
        server.close();
    }

    ExitPool pool() {
        ExitPool.Providers ps = new ExitPool.Providers() {
            @Override
            public CompletableFuture<List<String>> find() {
                return CompletableFuture.completedFuture(List.of("exit-a", "exit-b"));
            }

            @Override
            public CompletableFuture<dev.peerlink.peer.PeerConnection> connect(String provider) {
                return requester.connect(Identity.device(provider));
            }
        };
        ExitPool pool = ExitPool.start(ps, 2, events::add, Duration.ofSeconds(20)).join();
        toClose.add(pool);
        return pool;
    }

    static void roundTrip(ExitFlow f, int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new java.util.Random(bytes).nextBytes(data);
        Thread w = Thread.ofVirtual().start(() -> {
            try {
                f.output().write(data);
                f.output().close();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        byte[] back = f.input().readAllBytes();
        w.join();
        assertThat(back).isEqualTo(data);
        f.close();
    }

    @Test
    void flowsGoThroughTheChosenExitAndEqualExitsDoNotFlap() throws Exception {
        ExitPool pool = pool();
        await().atMost(Duration.ofSeconds(15)).until(() -> pool.connected().size() == 2);
        String first = pool.current();
        ExitFlow f = pool.open("127.0.0.1", echo.getLocalPort()).get(10, TimeUnit.SECONDS);
        assertThat(f.exit()).isEqualTo(first);
        roundTrip(f, 1 << 20);
        // two equal providers on one machine: three seconds of pings change nothing
        long until = System.nanoTime() + 3_000_000_000L;
        await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() > until);
        assertThat(pool.current()).isEqualTo(first);
        assertThat(events.stream().filter(e -> e instanceof PoolEvent.Exit).count()).isEqualTo(1);
    }

    @Test
    void refusalsComeBackTypedAndDoNotMoveTheExit() throws Exception {
        ExitPool pool = pool();
        String first = pool.current();
        assertThatThrownBy(() -> pool.open("169.254.169.254", 80).join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.error()).isEqualTo(ExitError.FORBIDDEN_DESTINATION));
        assertThat(pool.current()).isEqualTo(first);
    }

    @Test
    void whenTheExitDiesNewFlowsMoveToTheOtherAtOnce() throws Exception {
        ExitPool pool = pool();
        await().atMost(Duration.ofSeconds(15)).until(() -> pool.connected().size() == 2);
        String first = pool.current();
        String second = first.equals("exit-a") ? "exit-b" : "exit-a";
        long killed = System.nanoTime();
        exits.get(first).close();
        providers.get(first).close();
        // the loop of requests an application makes: the first that succeeds goes through the second provider
        ExitFlow f = null;
        while (f == null) {
            try {
                f = pool.open("127.0.0.1", echo.getLocalPort()).get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(System.nanoTime() - killed).as("still failing").isLessThan(10_000_000_000L);
            }
        }
        long failoverMs = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("failover: first successful new flow " + failoverMs + " ms after the exit was killed");
        assertThat(f.exit()).isEqualTo(second);
        roundTrip(f, 100_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> second.equals(pool.current()));
        assertThat(events).anyMatch(e -> e instanceof PoolEvent.ProviderLost l && l.provider().equals(first));
    }
}
