package dev.peerlink.exit.provider.internal;

import dev.peerlink.exit.ExitException;
import dev.peerlink.exit.wire.ExitDatagram;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One session's UDP: a datagram socket per flow id, created on the flow's first datagram (taking a flow slot) and
 * closed after {@link #IDLE} without traffic. Every destination passes the same checks as a TCP flow; replies come
 * back as UDP datagrams, and only from addresses the rules allow (a LAN host cannot inject through the flow).
 * Datagrams over the rate or refused are dropped: UDP has no way to answer.
 */
public final class UdpRelay {
    public static final Duration IDLE = Duration.ofSeconds(60);
    private static final long NAME_TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int MAX_NAMES = 64;
    private static final int MAX_LOGGED_REFUSALS = 1024;

    private final ExitCore core;
    private final ExitSession session;
    private final Map<Integer, Flow> flows = new HashMap<>();
    private final Map<String, Boolean> loggedRefusals = new LinkedHashMap<>();
    private final Map<String, Resolved> names = new HashMap<>();
    private boolean closed;

    UdpRelay(ExitCore core, ExitSession session) {
        this.core = core;
        this.session = session;
    }

    /** Carries one datagram from the requester to its destination (on a virtual thread of its own). */
    public void fromRequester(ExitDatagram.Udp u) {
        String requester = session.requester();
        long start = System.nanoTime();
        try {
            core.checkPort(u.port());
            core.checkQuota(requester);
            InetAddress to = resolve(u.host(), u.port());
            Flow f = flow(u.flow());
            f.first(u.host(), u.port(), to);
            Requesters.Requester r = f.slot;
            TokenBucket b = r.bucket(true);
            if (b != null && !b.tryTake(u.payload().length)) {
                return;
            }
            f.socket.send(new DatagramPacket(u.payload(), u.payload().length, to, u.port()));
            f.touch();
            f.up.addAndGet(u.payload().length);
            core.count(r, true, u.payload().length);
        } catch (ExitException e) {
            core.tally().refused(e.error());
            logRefusal(u, e, start);
        } catch (IOException e) {
            // the socket closed under us (expired, session closing) or the network refused: dropped like any UDP
        }
    }

    /** Closes flows idle for {@link #IDLE}. */
    public void expireIdle() {
        long now = System.nanoTime();
        List<Flow> idle = new ArrayList<>();
        synchronized (this) {
            flows.values().removeIf(f -> {
                boolean expired = now - f.lastActive > IDLE.toNanos();
                if (expired) {
                    idle.add(f);
                }
                return expired;
            });
        }
        idle.forEach(Flow::close);
    }

    public void close() {
        List<Flow> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(flows.values());
            flows.clear();
        }
        all.forEach(Flow::close);
    }

    /**
     * The checked address for {@code host}, names cached for a short while per session (a name that was checked is
     * dialled at the address checked, never looked up again in between).
     */
    private InetAddress resolve(String host, int port) throws ExitException {
        long now = System.nanoTime();
        Resolved r;
        synchronized (names) {
            r = names.get(host);
        }
        if (r == null || now - r.at > NAME_TTL_NANOS) {
            r = new Resolved(core.resolve(host, port).get(0), now);
            synchronized (names) {
                if (names.size() >= MAX_NAMES) {
                    names.clear();
                }
                names.put(host, r);
            }
        }
        return r.address;
    }

    private Flow flow(int id) throws ExitException {
        synchronized (this) {
            if (closed) {
                throw new ExitException(dev.peerlink.exit.wire.ExitError.INTERNAL, "session closed");
            }
            Flow f = flows.get(id);
            if (f != null) {
                return f;
            }
            Requesters.Requester slot = core.requesters().reserve(session.requester());
            try {
                f = new Flow(id, slot, new DatagramSocket());
            } catch (SocketException e) {
                core.requesters().release(slot);
                throw new ExitException(dev.peerlink.exit.wire.ExitError.INTERNAL, "no UDP socket: " + e.getMessage());
            }
            flows.put(id, f);
            core.tally().opened();
            f.startReceiving();
            return f;
        }
    }

    private void logRefusal(ExitDatagram.Udp u, ExitException e, long start) {
        String key = u.flow() + "|" + u.host() + "|" + u.port() + "|" + e.error();
        synchronized (loggedRefusals) {
            if (loggedRefusals.size() >= MAX_LOGGED_REFUSALS) {
                loggedRefusals.clear();
            }
            if (loggedRefusals.put(key, Boolean.TRUE) != null) {
                return; // once per flow, destination and reason: a refused stream of datagrams is one line
            }
        }
        core.log(new FlowRecord(Instant.now(), "udp", session.requester(), u.host(), u.port(), null, e.error().wire(), 0, 0,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), null));
    }

    /** One UDP flow: its socket, the thread reading replies, counters for the flow log. */
    private final class Flow {
        final int id;
        final Requesters.Requester slot;
        final DatagramSocket socket;
        final Instant started = Instant.now();
        final long startNanos = System.nanoTime();
        final AtomicLong up = new AtomicLong();
        final AtomicLong down = new AtomicLong();
        volatile long lastActive = System.nanoTime();
        volatile String firstHost;
        volatile int firstPort;
        volatile String firstIp;
        private boolean released;

        Flow(int id, Requesters.Requester slot, DatagramSocket socket) {
            this.id = id;
            this.slot = slot;
            this.socket = socket;
        }

        void touch() {
            lastActive = System.nanoTime();
        }

        /** Remembers the flow's first destination for the flow log. */
        synchronized void first(String host, int port, InetAddress address) {
            if (firstHost == null) {
                firstPort = port;
                firstIp = address.getHostAddress();
                firstHost = host;
            }
        }

        void startReceiving() {
            Thread.ofVirtual().name("exit-udp-" + session.requester() + "-" + id).start(() -> {
                byte[] buf = new byte[65535];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                while (!socket.isClosed()) {
                    try {
                        p.setLength(buf.length);
                        socket.receive(p);
                    } catch (IOException e) {
                        return;
                    }
                    fromRemote(p);
                }
            });
        }

        private void fromRemote(DatagramPacket p) {
            if (!core.config().rules().checkAddress(p.getAddress()).allowed()) {
                return;
            }
            int n = p.getLength();
            TokenBucket b = slot.bucket(false);
            if (b != null && !b.tryTake(n)) {
                return;
            }
            byte[] payload = java.util.Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + n);
            String from = p.getAddress().getHostAddress();
            int scope = from.indexOf('%');
            if (session.send(new ExitDatagram.Udp(id, scope < 0 ? from : from.substring(0, scope), p.getPort(), payload))) {
                touch();
                down.addAndGet(n);
                core.count(slot, false, n);
            }
        }

        void close() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            socket.close();
            core.requesters().release(slot);
            if (firstHost != null) {
                core.log(new FlowRecord(started, "udp", session.requester(), firstHost, firstPort, firstIp, "ok", up.get(),
                        down.get(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), null));
            }
        }
    }

    private record Resolved(InetAddress address, long at) {}
}
