package dev.peerlink.exit.provider;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.LadderConfig;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Identity;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A signalling server and three devices on loopback: the provider {@code exit-1} and requesters {@code req-1},
 * {@code req-2}. Each test starts its own {@link ExitServer} on the provider and opens fresh connections;
 * {@link #reset()} closes them.
 */
final class ExitBed implements AutoCloseable {
    static final String PROVIDER = "exit-1";

    final SignalServer server;
    final Peer provider;
    final Peer requester;
    final Peer other;
    private final List<AutoCloseable> perTest = new ArrayList<>();

    private ExitBed() throws Exception {
        server = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).build(),
                List.of(), id -> Optional.empty());
        provider = peer(PROVIDER);
        requester = peer("req-1");
        other = peer("req-2");
    }

    static ExitBed start() throws Exception {
        return new ExitBed();
    }

    private Peer peer(String id) throws Exception {
        Peer p = Peer.builder().identity(DeviceIdentity.ephemeral(DeviceId.of(id))).server(server.url()).discovery(false)
                .ladder(LadderConfig.defaults().withLoopback(true)).backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
        p.start().get(5, TimeUnit.SECONDS);
        return p;
    }

    ExitServer serve(ExitConfig config, Predicate<String> admitted) throws Exception {
        ExitServer s = ExitServer.start(provider, config, admitted);
        perTest.add(s);
        return s;
    }

    ExitServer serve(ExitConfig config) throws Exception {
        return serve(config, id -> true);
    }

    /** A new connection from {@code from} to the provider. */
    PeerConnection connect(Peer from) throws Exception {
        PeerConnection c = from.connect(Identity.device(PROVIDER)).get(15, TimeUnit.SECONDS);
        perTest.add(0, c);
        return c;
    }

    void reset() throws Exception {
        for (AutoCloseable c : perTest) {
            c.close();
        }
        perTest.clear();
    }

    @Override
    public void close() throws Exception {
        reset();
        other.close();
        requester.close();
        provider.close();
        server.close();
    }
}
