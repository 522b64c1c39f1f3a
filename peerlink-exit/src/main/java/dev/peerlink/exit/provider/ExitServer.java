package dev.peerlink.exit.provider;

import dev.peerlink.exit.provider.internal.ExitCore;
import dev.peerlink.exit.provider.internal.ExitSession;
import dev.peerlink.exit.provider.internal.StateReport;
import dev.peerlink.exit.wire.ExitDatagram;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.share.wire.LinkState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider serving as the internet exit for the requesters it admits. Each exit stream a requester opens on its
 * peer connection asks for one TCP flow (request and reply frames of {@link dev.peerlink.exit.wire.ExitCodec}, then
 * raw bytes); datagrams carry pings and UDP. Destinations are resolved here and checked with the configured
 * {@link dev.peerlink.exit.egress.EgressRules}; flows, users, bytes per day and bandwidth are capped per
 * {@link ExitConfig}; every flow goes to the flow log. Every {@link #STATE_EVERY} each requester gets a STATE datagram.
 *
 * <p>{@code admitted} is asked for every stream and datagram and every period: a requester it stops admitting has
 * its flows ended and its connection closed (its streams meanwhile answered {@code not-admitted}).
 */
public final class ExitServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExitServer.class);
    public static final Duration STATE_EVERY = Duration.ofSeconds(2);

    private final ExitCore core;
    private final Set<ExitSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private long lastUp;
    private long lastDown;
    private long lastNanos = System.nanoTime();
    private volatile long upBps;
    private volatile long downBps;

    private ExitServer(ExitCore core) {
        this.core = core;
        core.timers().scheduleAtFixedRate(this::tick, STATE_EVERY.toMillis(), STATE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Serves every connection {@code peer} accepts (this replaces the peer's connection handler). */
    public static ExitServer start(Peer peer, ExitConfig config, Predicate<String> admitted) throws IOException {
        ExitServer s = create(config, admitted);
        peer.onConnection(s::serve);
        return s;
    }

    /** An exit not attached to a peer: hand it connections with {@link #serve}. */
    public static ExitServer create(ExitConfig config, Predicate<String> admitted) throws IOException {
        return new ExitServer(new ExitCore(Objects.requireNonNull(config, "config"), Objects.requireNonNull(admitted, "admitted"),
                Clock.systemUTC()));
    }

    /** Serves one requester's connection until it closes. */
    public void serve(PeerConnection connection) {
        if (closed) {
            connection.close();
            return;
        }
        ExitSession s = new ExitSession(core, connection);
        sessions.add(s);
        s.start(sessions::remove);
        if (closed) {
            s.close();
        }
    }

    public ExitStats stats() {
        return new ExitStats(core.tally().openedCount(), core.tally().refused(), core.tally().bytes(true),
                core.tally().bytes(false), core.requesters().flows(), core.requesters().users(), core.usage().snapshot());
    }

    /** Bytes per second each way over the last period (up: requesters → destinations). */
    public long upBytesPerSecond() {
        return upBps;
    }

    public long downBytesPerSecond() {
        return downBps;
    }

    private void tick() {
        try {
            measure();
            core.usage().save();
            LinkState link = link();
            for (ExitSession s : sessions) {
                if (s.isClosed()) {
                    sessions.remove(s);
                    continue;
                }
                s.udp().expireIdle();
                if (!core.admitted(s.requester())) {
                    s.revoke();
                    continue;
                }
                String json = StateReport.json(core.requesters().flows(), core.requesters().users(),
                        core.requesters().flowsOf(s.requester()), upBps, downBps, link);
                Thread.ofVirtual().name("exit-state").start(() -> s.send(new ExitDatagram.State(json)));
            }
        } catch (RuntimeException e) {
            LOG.warn("exit tick failed: {}", e.toString());
        }
    }

    private void measure() {
        long now = System.nanoTime();
        long up = core.tally().bytes(true), down = core.tally().bytes(false);
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        upBps = Math.round((up - lastUp) / seconds);
        downBps = Math.round((down - lastDown) / seconds);
        lastUp = up;
        lastDown = down;
        lastNanos = now;
    }

    private LinkState link() {
        var supplier = core.config().linkState();
        if (supplier == null) {
            return null;
        }
        try {
            return supplier.get();
        } catch (RuntimeException e) {
            LOG.debug("link state supplier failed: {}", e.toString());
            return null;
        }
    }

    /** Ends every flow and connection; the peer's handler then closes any new connection at once. */
    @Override
    public void close() {
        closed = true;
        sessions.forEach(ExitSession::close);
        sessions.clear();
        core.close();
    }
}
