package dev.peerlink.peer;

import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapListener;
import dev.peerlink.portmap.PortMapper;
import dev.peerlink.portmap.PortMapping;
import dev.peerlink.portmap.Transport;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.ProbePacket;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device side of seed 002's mapping health ("probe unit"): owns the gateway mappings of some local ports, reports
 * them to the signalling server in {@code update} ({@code network.mappings}), answers the server's mapping-monitor
 * probes with {@code probe-ack} over the authenticated signalling connection, and on {@code remap} deletes and re-adds
 * the mapping (another external port when the old one cannot be had) and reports the result. External address changes
 * and renewals seen by the {@link PortMapper} are reported too.
 *
 * <p>Probes arrive on the mapped internal port. When the keeper {@linkplain Builder#serveProbes serves probes} it binds
 * that port itself (a UDP socket, or a TCP listener) and reads them; an application that owns the port instead passes
 * its datagrams to {@link #handleDatagram} first ({@link ProbePacket} starts with 0x50, distinct from STUN and TURN
 * ChannelData). Acks are rate limited (20/s), so forged probe datagrams cannot make the device flood its server.
 */
public final class MappingKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MappingKeeper.class);
    private static final int MAX_ACKS_PER_SECOND = 20;

    /** The gateway operations the keeper needs; {@link #of(PortMapper)} adapts the real client. */
    public interface Gateway {
        PortMapping map(Transport transport, int internalPort, int requestedExternalPort, Duration lease) throws PortMapException;

        void unmap(PortMapping mapping) throws PortMapException;

        /** Registers the keeper for address-change and renewal events (no-op when the gateway has none). */
        default void addListener(PortMapListener listener) {
        }

        static Gateway of(PortMapper mapper) {
            return new Gateway() {
                public PortMapping map(Transport t, int internalPort, int requested, Duration lease) throws PortMapException {
                    return mapper.map(t, internalPort, requested, lease);
                }

                public void unmap(PortMapping m) throws PortMapException {
                    mapper.unmap(m);
                }

                public void addListener(PortMapListener l) {
                    mapper.addListener(l);
                }
            };
        }
    }

    /**
     * Told whenever a kept mapping changes after {@link #keep}: {@code why} is {@code remapped}, {@code remap-failed},
     * {@code address-changed}, {@code renewed} (external endpoint changed) or {@code lost}; {@code now} is null while
     * the mapping is lost; {@code error} says why a remap failed (else null). Called on the keeper's worker thread.
     */
    public interface Listener {
        void changed(String why, Transport transport, int internalPort, PortMapping now, String error);
    }

    private final class Kept {
        final Transport transport;
        final int internalPort;
        volatile PortMapping mapping; // null while lost
        /** A probe arrived on the internal port since the mapping was (re)made: it forwards. */
        volatile boolean verified;
        Closeable unit;

        Kept(Transport transport, int internalPort, PortMapping mapping) {
            this.transport = transport;
            this.internalPort = internalPort;
            this.mapping = mapping;
        }
    }

    private final SignallingClient client;
    private final Gateway gateway;
    private final Duration lease;
    private final boolean serveProbes;
    private final Listener listener;
    private final List<Kept> kept = new ArrayList<>(); // guarded by this
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "peerlink-mapping-keeper");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger remaps = new AtomicInteger();
    private final AtomicInteger probesAnswered = new AtomicInteger();
    private long ackWindow;
    private int acksInWindow;
    private volatile boolean closed;
    /** Serialises the read-modify-write of the announced mappings across the keepers of a process. */
    private static final Object REPORT_LOCK = new Object();
    /** What this keeper put into {@code network.mappings} last (guarded by REPORT_LOCK). */
    private List<NetworkInfo.PortMapping> lastReported = List.of();

    private MappingKeeper(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client");
        this.gateway = Objects.requireNonNull(b.gateway, "gateway");
        this.lease = b.lease;
        this.serveProbes = b.serveProbes;
        this.listener = b.listener;
        client.onRemap(r -> worker.execute(() -> remap(r)));
        gateway.addListener(new PortMapListener() {
            @Override
            public void externalAddressChanged(InetAddress previous, InetAddress current) {
                worker.execute(() -> addressChanged(current));
            }

            @Override
            public void mappingRenewed(PortMapping previous, PortMapping current) {
                worker.execute(() -> renewed(current));
            }

            @Override
            public void mappingLost(PortMapping mapping, PortMapException cause) {
                worker.execute(() -> lost(mapping));
            }
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Maps {@code internalPort} (asking for the same external port), starts its probe unit and reports it. */
    public PortMapping keep(Transport transport, int internalPort) throws PortMapException, IOException {
        // the probe unit listens before the mapping exists, so the first probe finds it
        Closeable unit = serveProbes ? (transport == Transport.UDP ? udpUnit(internalPort) : tcpUnit(internalPort)) : null;
        PortMapping m;
        try {
            m = gateway.map(transport, internalPort, internalPort, lease);
        } catch (PortMapException | RuntimeException e) {
            if (unit != null) {
                unit.close();
            }
            throw e;
        }
        Kept k = new Kept(transport, internalPort, m);
        k.unit = unit;
        synchronized (this) {
            kept.add(k);
        }
        LOG.info("keeping {}", m.describe());
        report();
        return m;
    }

    /** Current mappings (lost ones left out). */
    public synchronized List<PortMapping> mappings() {
        return kept.stream().map(k -> k.mapping).filter(Objects::nonNull).toList();
    }

    /**
     * Current mappings through which a mapping-monitor probe has arrived since they were (re)made: the gateway forwards
     * them (the server only probes external endpoints). What the connection ladder offers as {@code mapped} candidates.
     */
    public synchronized List<PortMapping> verifiedMappings() {
        return kept.stream().filter(k -> k.verified).map(k -> k.mapping).filter(Objects::nonNull).toList();
    }

    /**
     * For applications that own a mapped port: {@link #handleDatagram} for data that arrived on {@code internalPort}
     * over {@code transport}; a probe also marks that mapping {@linkplain #verifiedMappings verified}.
     */
    public boolean handleProbe(Transport transport, int internalPort, byte[] data, int off, int len) {
        if (!handleDatagram(data, off, len)) {
            return false;
        }
        synchronized (this) {
            for (Kept k : kept) {
                if (k.transport == transport && k.internalPort == internalPort && k.mapping != null && !k.verified) {
                    k.verified = true;
                    LOG.info("mapping {} verified by a monitor probe", k.mapping.describe());
                }
            }
        }
        return true;
    }

    /** Remap orders carried out. */
    public int remaps() {
        return remaps.get();
    }

    /** Probes acknowledged to the server. */
    public int probesAnswered() {
        return probesAnswered.get();
    }

    /**
     * For applications that own a mapped port's socket: call with each datagram received before handling it. Returns
     * true (and acknowledges it) when it is a mapping-monitor probe, which the application should then drop.
     */
    public boolean handleDatagram(byte[] data, int off, int len) {
        String nonce = ProbePacket.nonceOf(data, off, len);
        if (nonce == null) {
            return false;
        }
        answer(nonce);
        return true;
    }

    private void answer(String nonce) {
        long second = System.nanoTime() / 1_000_000_000L;
        synchronized (this) {
            if (second != ackWindow) {
                ackWindow = second;
                acksInWindow = 0;
            }
            if (++acksInWindow > MAX_ACKS_PER_SECOND) {
                return;
            }
        }
        probesAnswered.incrementAndGet();
        client.probeAck(nonce);
    }

    // ---- probe units ----------------------------------------------------------------------------------

    private Closeable udpUnit(int port) throws IOException {
        DatagramSocket s = new DatagramSocket(null);
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(port));
        Thread.ofVirtual().name("probe-unit-udp-" + port).start(() -> {
            byte[] buf = new byte[1500];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (!s.isClosed()) {
                try {
                    p.setLength(buf.length);
                    s.receive(p);
                    handleProbe(Transport.UDP, port, p.getData(), p.getOffset(), p.getLength());
                } catch (IOException e) {
                    if (!s.isClosed()) {
                        LOG.debug("probe unit udp/{}: {}", port, e.toString());
                    }
                }
            }
        });
        return s;
    }

    private Closeable tcpUnit(int port) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(port), 16);
        Thread.ofVirtual().name("probe-unit-tcp-" + port).start(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket c = ss.accept();
                    Thread.ofVirtual().start(() -> readTcpProbe(c, port));
                } catch (IOException e) {
                    if (!ss.isClosed()) {
                        LOG.debug("probe unit tcp/{}: {}", port, e.toString());
                    }
                }
            }
        });
        return ss;
    }

    private void readTcpProbe(Socket c, int port) {
        try (c) {
            c.setSoTimeout(5000);
            InputStream in = c.getInputStream();
            byte[] b = in.readNBytes(ProbePacket.LENGTH);
            handleProbe(Transport.TCP, port, b, 0, b.length);
        } catch (IOException ignored) {
            // not a probe, or gone
        }
    }

    // ---- events ---------------------------------------------------------------------------------------

    private void remap(Message.Remap r) {
        if (closed) {
            return;
        }
        String proto = r.mapping().protocol();
        int port = r.mapping().internal().getPort();
        Kept k;
        synchronized (this) {
            k = kept.stream().filter(x -> x.transport.name().toLowerCase(Locale.ROOT).equals(proto) && x.internalPort == port)
                    .findFirst().orElse(null);
        }
        if (k == null) {
            LOG.info("remap of {} {}: not kept here, reporting current mappings", proto, r.mapping().external());
            report();
            return;
        }
        PortMapping old = k.mapping;
        LOG.info("server orders remap of {} ({}): deleting and re-adding", old == null ? r.mapping().external() : old.describe(), r.reason());
        if (old != null) {
            try {
                gateway.unmap(old);
            } catch (PortMapException | RuntimeException e) {
                LOG.debug("delete before remap failed (continuing): {}", e.getMessage());
            }
        }
        int wanted = old != null ? old.external().getPort() : r.mapping().external().getPort();
        PortMapping fresh = null;
        String error = null;
        try {
            fresh = gateway.map(k.transport, k.internalPort, wanted, lease);
        } catch (PortMapException | RuntimeException e) {
            if (e instanceof PortMapException pe && noGateway(pe)) {
                // nothing answers (mapping switched off, gateway gone): another port would not help either
                error = e.getMessage();
                LOG.warn("remap of {}/{} failed: {}", proto, port, error);
            } else {
                LOG.info("re-adding with external port {} failed ({}), asking for any port", wanted, e.getMessage());
            }
            if (error == null) {
                try {
                    fresh = gateway.map(k.transport, k.internalPort, 0, lease);
                } catch (PortMapException | RuntimeException e2) {
                    LOG.warn("remap of {}/{} failed: {}", proto, port, e2.getMessage());
                    error = e2.getMessage();
                }
            }
        }
        k.mapping = fresh;
        k.verified = false;
        remaps.incrementAndGet();
        if (fresh != null) {
            LOG.info("remapped: {}", fresh.describe());
        }
        report();
        tell(fresh != null ? "remapped" : "remap-failed", k, fresh, error);
    }

    /** True when no protocol answered at all (unavailable, timeout, local I/O), as opposed to a gateway refusing. */
    static boolean noGateway(PortMapException e) {
        Throwable[] parts = e.getSuppressed().length > 0 ? e.getSuppressed() : new Throwable[] {e};
        for (Throwable t : parts) {
            if (!(t instanceof PortMapException p) || p.kind() == PortMapException.Kind.REFUSED
                    || p.kind() == PortMapException.Kind.MALFORMED) {
                return false;
            }
        }
        return true;
    }

    private void addressChanged(InetAddress current) {
        LOG.info("gateway external address is now {}", current.getHostAddress());
        synchronized (this) {
            for (Kept k : kept) {
                PortMapping m = k.mapping;
                if (m != null) {
                    k.mapping = new PortMapping(m.protocol(), m.transport(), m.internal(),
                            new InetSocketAddress(current, m.external().getPort()), m.lease(), m.obtained());
                    k.verified = false;
                }
            }
        }
        report();
        tellAll("address-changed");
    }

    private void renewed(PortMapping current) {
        boolean changed = false;
        synchronized (this) {
            for (Kept k : kept) {
                if (k.transport == current.transport() && k.internalPort == current.internal().getPort()) {
                    changed = k.mapping == null || !k.mapping.external().equals(current.external());
                    if (changed) {
                        k.verified = false;
                    }
                    k.mapping = current;
                }
            }
        }
        if (changed) {
            report();
            tellAll("renewed");
        }
    }

    private void lost(PortMapping m) {
        synchronized (this) {
            for (Kept k : kept) {
                if (k.transport == m.transport() && k.internalPort == m.internal().getPort()) {
                    k.mapping = null;
                    k.verified = false;
                }
            }
        }
        report();
        tellAll("lost");
    }

    private void tell(String why, Kept k, PortMapping now, String error) {
        if (listener == null) {
            return;
        }
        try {
            listener.changed(why, k.transport, k.internalPort, now, error);
        } catch (RuntimeException e) {
            LOG.warn("mapping listener failed", e);
        }
    }

    private void tellAll(String why) {
        List<Kept> all;
        synchronized (this) {
            all = List.copyOf(kept);
        }
        for (Kept k : all) {
            tell(why, k, k.mapping, null);
        }
    }

    /** Sends the current mappings to the server (with the rest of the announced network information). */
    public void report() {
        if (closed) {
            return;
        }
        List<NetworkInfo.PortMapping> wire = new ArrayList<>();
        for (PortMapping m : mappings()) {
            wire.add(toWire(m));
        }
        announce(wire);
    }

    private void announce(List<NetworkInfo.PortMapping> wire) {
        java.util.concurrent.CompletableFuture<Void> sent;
        synchronized (REPORT_LOCK) {
            // Several keepers may share one connection (the Peer's own for its mapped listener, an application's for
            // other ports): keep the mappings the others announced, replace only the ones this keeper announced.
            NetworkInfo base = client.network();
            base = base == null ? NetworkInfo.EMPTY : base;
            List<NetworkInfo.PortMapping> merged = new ArrayList<>();
            for (NetworkInfo.PortMapping m : base.mappings()) {
                if (!lastReported.contains(m) && !wire.contains(m) && merged.size() + wire.size() < NetworkInfo.MAX_MAPPINGS) {
                    merged.add(m);
                }
            }
            merged.addAll(wire);
            lastReported = List.copyOf(wire);
            sent = client.update(base.withMappings(merged));
        }
        sent.whenComplete((v, e) -> {
            if (e != null) {
                LOG.debug("mapping report not acknowledged: {}", e.toString());
            }
        });
    }

    static NetworkInfo.PortMapping toWire(PortMapping m) {
        return new NetworkInfo.PortMapping(m.transport().name().toLowerCase(Locale.ROOT), m.external(), m.internal(),
                m.lease().toSeconds(), m.protocol().cliName());
    }

    /** Stops the probe units and deletes the mappings. */
    @Override
    public void close() {
        closed = true;
        List<Kept> all;
        synchronized (this) {
            all = new ArrayList<>(kept);
            kept.clear();
        }
        for (Kept k : all) {
            try {
                if (k.unit != null) {
                    k.unit.close();
                }
                if (k.mapping != null) {
                    gateway.unmap(k.mapping);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing {}: {}", k.mapping, e.toString());
            }
        }
        worker.shutdownNow();
        boolean announced;
        synchronized (REPORT_LOCK) {
            announced = !lastReported.isEmpty();
        }
        if (announced) {
            try {
                announce(List.of()); // withdraw this keeper's mappings (others sharing the connection stay)
            } catch (RuntimeException e) {
                LOG.debug("withdrawing mappings: {}", e.toString());
            }
        }
    }

    public static final class Builder {
        private SignallingClient client;
        private Gateway gateway;
        private Duration lease = Duration.ofHours(2);
        private boolean serveProbes = true;
        private Listener listener;

        public Builder client(SignallingClient c) { this.client = c; return this; }
        public Builder gateway(Gateway g) { this.gateway = g; return this; }
        public Builder portMapper(PortMapper m) { this.gateway = Gateway.of(m); return this; }
        public Builder lease(Duration d) { this.lease = d; return this; }
        /** False when the application owns the mapped ports and calls {@link #handleDatagram} (default true). */
        public Builder serveProbes(boolean b) { this.serveProbes = b; return this; }

        /** Told about every change of a kept mapping (remaps, address changes, losses). */
        public Builder listener(Listener l) { this.listener = l; return this; }

        public MappingKeeper build() {
            return new MappingKeeper(this);
        }
    }
}
