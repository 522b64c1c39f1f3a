package dev.peerlink.exit.provider.internal;

import dev.peerlink.exit.wire.ExitDatagram;
import dev.peerlink.exit.wire.ExitProtocolException;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One requester's peer connection to this exit: its streams become {@link TcpFlow}s, its datagrams pings and UDP
 * (through a {@link UdpRelay}). A requester the predicate does not admit has its streams answered
 * {@code not-admitted} and the connection closed shortly after.
 */
public final class ExitSession {
    private static final Logger LOG = LoggerFactory.getLogger(ExitSession.class);
    /** Time for a refusal reply to reach the requester before the connection goes. */
    static final long CLOSE_GRACE_MS = 1000;
    /** How long a requester that is not admitted may keep the connection open to read its refusals. */
    static final long NOT_ADMITTED_LINGER_MS = 5000;
    /** UDP datagrams being handled at once (each may wait on a name lookup); more are dropped. */
    static final int UDP_IN_FLIGHT = 256;

    private final ExitCore core;
    private final PeerConnection connection;
    private final String requester;
    private final UdpRelay udp;
    private final Set<TcpFlow> flows = ConcurrentHashMap.newKeySet();
    private final Semaphore udpInFlight = new Semaphore(UDP_IN_FLIGHT);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();

    public ExitSession(ExitCore core, PeerConnection connection) {
        this.core = core;
        this.connection = connection;
        this.requester = connection.peer().deviceId().value();
        this.udp = new UdpRelay(core, this);
    }

    /** Starts serving; {@code onEnd} is told once when the connection closes. */
    public void start(Consumer<ExitSession> onEnd) {
        connection.onClose(cause -> {
            close();
            onEnd.accept(this);
        });
        connection.onDatagram(this::onDatagram);
        connection.onStream(this::onStream);
        if (!core.admitted(requester)) {
            LOG.info("exit: {} is not admitted; refusing its flows", requester);
            closeAfter(NOT_ADMITTED_LINGER_MS);
        }
    }

    public String requester() {
        return requester;
    }

    public UdpRelay udp() {
        return udp;
    }

    /**
     * The requester is no longer admitted (its grant expired or was withdrawn): its flows end now, and the connection
     * after a while, its new streams meanwhile answered {@code not-admitted}.
     */
    public void revoke() {
        if (closing.getAndSet(true)) {
            return;
        }
        LOG.info("exit: {} no longer admitted; ending its flows", requester);
        flows.forEach(TcpFlow::abort);
        udp.close();
        closeAfter(NOT_ADMITTED_LINGER_MS);
    }

    /** Closes the connection after a grace period (a refusal is on its way). */
    public void closeSoon() {
        closeAfter(CLOSE_GRACE_MS);
    }

    /** Schedules a close; an earlier one may be scheduled later (close is idempotent). */
    private void closeAfter(long ms) {
        closing.set(true);
        if (core.schedule(this::close, ms) == null) {
            close(); // the exit is closing anyway
        }
    }

    /** Sends a datagram to the requester; false when it could not (too large, connection gone). */
    public boolean send(ExitDatagram d) {
        try {
            connection.sendDatagram(ExitDatagram.encode(d));
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private void onStream(SecureStream stream) {
        if (closed.get()) {
            stream.reset();
            return;
        }
        TcpFlow flow = new TcpFlow(core, this, stream);
        flows.add(flow);
        try {
            flow.run();
        } finally {
            flows.remove(flow);
        }
    }

    private void onDatagram(byte[] bytes) {
        if (closed.get() || !core.admitted(requester)) {
            return;
        }
        ExitDatagram d;
        try {
            d = ExitDatagram.decode(bytes);
        } catch (ExitProtocolException e) {
            LOG.debug("exit: bad datagram from {}: {}", requester, e.getMessage());
            return;
        }
        switch (d) {
            case ExitDatagram.Ping p -> send(new ExitDatagram.Pong(p.id(), p.sentNanos()));
            case ExitDatagram.Udp u -> {
                if (udpInFlight.tryAcquire()) {
                    Thread.ofVirtual().name("exit-udp-" + requester).start(() -> {
                        try {
                            udp.fromRequester(u);
                        } finally {
                            udpInFlight.release();
                        }
                    });
                }
            }
            case ExitDatagram.Pong p -> { } // the provider sends no pings
            case ExitDatagram.State s -> { } // only providers send state
        }
    }

    /** Ends every flow and the connection. */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            flows.forEach(TcpFlow::abort);
            udp.close();
            connection.close();
        }
    }

    public boolean isClosed() {
        return closed.get();
    }
}
