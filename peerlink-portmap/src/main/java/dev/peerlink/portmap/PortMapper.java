package dev.peerlink.portmap;

import dev.peerlink.portmap.PortMapException.Kind;
import dev.peerlink.portmap.internal.Gateways;
import dev.peerlink.portmap.internal.HttpLite;
import dev.peerlink.portmap.internal.MappingBackend;
import dev.peerlink.portmap.internal.MappingBackend.Grant;
import dev.peerlink.portmap.internal.MappingBackend.Handle;
import dev.peerlink.portmap.internal.NatPmpBackend;
import dev.peerlink.portmap.internal.NatPmpClient;
import dev.peerlink.portmap.internal.PcpBackend;
import dev.peerlink.portmap.internal.PcpClient;
import dev.peerlink.portmap.internal.Retransmission;
import dev.peerlink.portmap.internal.UpnpBackend;
import dev.peerlink.portmap.internal.UpnpClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps ports on the default gateway with the best protocol it speaks and keeps the mappings alive.
 *
 * <p>{@link #map(Transport, int, int, Duration)} probes PCP, NAT-PMP and UPnP in parallel on first use and takes
 * the first available in that order (PCP and NAT-PMP are one UDP round trip with explicit lifetimes and an epoch
 * that reveals gateway restarts; UPnP needs multicast discovery, HTTP and XML, and some gateways only take
 * permanent leases). The chosen protocol is reported in the returned {@link PortMapping}; if mapping with it fails
 * the next available protocol is tried.
 *
 * <p>Each mapping is renewed at {@link Builder#renewAt(double)} of its lease (default 50%). Every
 * {@link Builder#checkInterval(Duration)} the mapper asks the gateway for its external address (UPnP
 * GetExternalIPAddress, NAT-PMP opcode 0, PCP ANNOUNCE) and, for UPnP, whether each mapping is still listed;
 * a changed address, an epoch reset or a vanished mapping re-creates the mappings and tells the
 * {@link PortMapListener}s. {@link #close()} deletes every mapping.
 */
public final class PortMapper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PortMapper.class);

    private final Builder options;
    private final Map<MappingProtocol, MappingBackend> backends = new EnumMap<>(MappingProtocol.class);
    private final List<PortMapListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<Handle, Managed> managed = new LinkedHashMap<>();
    private final ScheduledExecutorService timer;
    private final ScheduledFuture<?> checker;
    private volatile MappingProtocol chosen;
    private volatile InetAddress lastExternal;
    private volatile boolean closed;

    private final class Managed {
        final Handle handle;
        final MappingBackend backend;
        final int requestedExternal;
        final Duration requestedLease;
        volatile PortMapping mapping;
        volatile boolean lost;
        ScheduledFuture<?> renewal;

        Managed(Handle handle, MappingBackend backend, int requestedExternal, Duration requestedLease) {
            this.handle = handle;
            this.backend = backend;
            this.requestedExternal = requestedExternal;
            this.requestedLease = requestedLease;
        }
    }

    private PortMapper(Builder b) throws PortMapException {
        this.options = b;
        InetAddress gw = b.gateway != null ? b.gateway : Gateways.defaultGateway().orElseThrow(() ->
                new PortMapException(Kind.UNAVAILABLE, null, "no IPv4 default gateway"));
        InetSocketAddress pmp = new InetSocketAddress(gw, b.natPmpPort);
        java.util.function.Supplier<Retransmission> probeSchedule = () -> Retransmission.natPmp(Duration.ofMillis(250), 4);
        backends.put(MappingProtocol.PCP, new PcpBackend(
                new PcpClient(pmp, b.pcpSchedule, b.requestDeadline),
                new PcpClient(pmp, probeSchedule, b.probeTimeout)));
        backends.put(MappingProtocol.NAT_PMP, new NatPmpBackend(
                new NatPmpClient(pmp, Retransmission::natPmp, b.requestDeadline),
                new NatPmpClient(pmp, probeSchedule, b.probeTimeout)));
        UpnpBackend upnp = new UpnpBackend(gw, b.ssdpPort, b.probeTimeout,
                new HttpLite.Limits(b.httpConnectTimeout, b.httpDeadline, 64 * 1024), b.description);
        if (b.upnpLocation != null) {
            upnp.location(b.upnpLocation);
        }
        backends.put(MappingProtocol.UPNP, upnp);
        listeners.addAll(b.listeners);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portmap-maintenance");
            t.setDaemon(true);
            return t;
        });
        long every = b.checkInterval.toMillis();
        checker = timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A mapper for the default gateway with default options. */
    public static PortMapper create() throws PortMapException {
        return builder().build();
    }

    public void addListener(PortMapListener l) {
        listeners.add(Objects.requireNonNull(l));
    }

    /** The protocol chosen by the last successful automatic {@link #map}, if any. */
    public Optional<MappingProtocol> chosenProtocol() {
        return Optional.ofNullable(chosen);
    }

    /**
     * Probes the protocols in parallel; returns each one's outcome (empty = available, else why not). Does not
     * create mappings.
     */
    public Map<MappingProtocol, Optional<PortMapException>> probe() {
        Map<MappingProtocol, CompletableFuture<Optional<PortMapException>>> f = startProbes(options.protocols);
        Map<MappingProtocol, Optional<PortMapException>> out = new EnumMap<>(MappingProtocol.class);
        f.forEach((p, fut) -> out.put(p, fut.join()));
        return out;
    }

    private Map<MappingProtocol, CompletableFuture<Optional<PortMapException>>> startProbes(List<MappingProtocol> which) {
        Map<MappingProtocol, CompletableFuture<Optional<PortMapException>>> f = new LinkedHashMap<>();
        for (MappingProtocol p : which) {
            CompletableFuture<Optional<PortMapException>> fut = new CompletableFuture<>();
            Thread.ofVirtual().name("portmap-probe-" + p.cliName()).start(() -> {
                try {
                    backends.get(p).probe();
                    fut.complete(Optional.empty());
                } catch (PortMapException e) {
                    fut.complete(Optional.of(e));
                } catch (RuntimeException e) {
                    fut.complete(Optional.of(new PortMapException(Kind.MALFORMED, p, null, "probe crashed: " + e, e)));
                }
            });
            f.put(p, fut);
        }
        return f;
    }

    /**
     * Maps {@code internalPort} with the best available protocol (see the class comment).
     *
     * @param requestedExternalPort the external port wanted, 0 for "any" (gateways may grant another one)
     * @param lease requested lease; gateways may shorten it (or make it permanent, UPnP error 725)
     */
    public PortMapping map(Transport transport, int internalPort, int requestedExternalPort, Duration lease)
            throws PortMapException {
        checkOpen();
        List<MappingProtocol> order = new ArrayList<>(options.protocols);
        MappingProtocol known = chosen;
        if (known != null) {
            try {
                return map(known, transport, internalPort, requestedExternalPort, lease);
            } catch (PortMapException e) {
                log.debug("mapping with {} failed, probing again: {}", known, e.getMessage());
                order.remove(known);
            }
        }
        Map<MappingProtocol, CompletableFuture<Optional<PortMapException>>> probes = startProbes(order);
        List<PortMapException> failures = new ArrayList<>();
        for (MappingProtocol p : order) {
            Optional<PortMapException> unavailable;
            try {
                unavailable = probes.get(p).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PortMapException(Kind.IO, p, null, "interrupted", e);
            } catch (ExecutionException e) {
                throw new AssertionError(e);
            }
            if (unavailable.isPresent()) {
                failures.add(unavailable.get());
                continue;
            }
            try {
                PortMapping m = map(p, transport, internalPort, requestedExternalPort, lease);
                chosen = p;
                return m;
            } catch (PortMapException e) {
                failures.add(e);
            }
        }
        StringBuilder why = new StringBuilder("no port mapping protocol worked:");
        failures.forEach(e -> why.append("\n  ").append(e.getMessage()));
        PortMapException ex = new PortMapException(Kind.UNAVAILABLE, null, why.toString());
        failures.forEach(ex::addSuppressed);
        throw ex;
    }

    /** Maps with one given protocol (no fallback). */
    public PortMapping map(MappingProtocol protocol, Transport transport, int internalPort, int requestedExternalPort,
                           Duration lease) throws PortMapException {
        checkOpen();
        if (internalPort < 1 || internalPort > 65535 || requestedExternalPort < 0 || requestedExternalPort > 65535) {
            throw new IllegalArgumentException("ports must be 1..65535 (external 0 = any)");
        }
        if (lease.isNegative() || lease.toSeconds() > 0xffffffffL) {
            throw new IllegalArgumentException("bad lease " + lease);
        }
        MappingBackend backend = backends.get(protocol);
        synchronized (managed) {
            for (Managed m : managed.values()) {
                if (m.handle.transport == transport && m.handle.internalPort == internalPort) {
                    throw new IllegalStateException("already mapped: " + m.mapping);
                }
            }
        }
        Handle h = new Handle(transport, internalPort, PcpClient.newNonce());
        Managed m = new Managed(h, backend, requestedExternalPort, lease);
        Grant g = backend.map(h, requestedExternalPort, lease.toSeconds());
        backend.takeEpochReset(); // the first response only establishes the epoch
        m.mapping = toMapping(m, g, backend.internalAddress());
        noteExternal(g.externalAddress(), false);
        synchronized (managed) {
            managed.put(h, m);
            scheduleRenewal(m);
        }
        return m.mapping;
    }

    private PortMapping toMapping(Managed m, Grant g, InetAddress internal) {
        return new PortMapping(m.backend.protocol(), m.handle.transport,
                new InetSocketAddress(internal, m.handle.internalPort),
                new InetSocketAddress(g.externalAddress(), g.externalPort()),
                Duration.ofSeconds(g.leaseSeconds()), options.clock.instant());
    }

    /** Deletes a mapping made by this mapper. */
    public void unmap(PortMapping mapping) throws PortMapException {
        Managed m = remove(mapping);
        if (m == null) {
            throw new IllegalArgumentException("not a mapping of this mapper: " + mapping);
        }
        m.backend.unmap(m.handle);
    }

    private Managed remove(PortMapping mapping) {
        synchronized (managed) {
            for (var it = managed.values().iterator(); it.hasNext(); ) {
                Managed m = it.next();
                if (m.mapping.equals(mapping) || (m.handle.transport == mapping.transport()
                        && m.handle.internalPort == mapping.internal().getPort())) {
                    it.remove();
                    if (m.renewal != null) {
                        m.renewal.cancel(false);
                    }
                    return m;
                }
            }
        }
        return null;
    }

    /** Current mappings of this mapper (after renewals, with their latest lease and external address). */
    public List<PortMapping> mappings() {
        synchronized (managed) {
            return managed.values().stream().map(m -> m.mapping).toList();
        }
    }

    /** The last external address seen, if any. */
    public Optional<InetAddress> externalAddress() {
        return Optional.ofNullable(lastExternal);
    }

    /** Lists the gateway's UPnP port mapping table (other protocols cannot list). */
    public List<UpnpClient.ListedEntry> listUpnpMappings() throws PortMapException {
        UpnpClient c = ((UpnpBackend) backends.get(MappingProtocol.UPNP)).client();
        List<UpnpClient.ListedEntry> out = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            Optional<UpnpClient.ListedEntry> e = c.getGenericPortMappingEntry(i);
            if (e.isEmpty()) {
                break;
            }
            out.add(e.get());
        }
        return out;
    }

    /**
     * Deletes a mapping this mapper did not create (e.g. left by an earlier process): UPnP by external port,
     * NAT-PMP by internal port. PCP mappings can only be deleted with the nonce that created them and otherwise
     * expire with their lease.
     */
    public void deleteForeign(MappingProtocol protocol, Transport transport, int port) throws PortMapException {
        Handle h = new Handle(transport, port, PcpClient.newNonce());
        h.externalPort = port;
        switch (protocol) {
            case UPNP, NAT_PMP -> backends.get(protocol).unmap(h);
            case PCP -> throw new PortMapException(Kind.REFUSED, MappingProtocol.PCP,
                    "a PCP mapping can only be deleted by its creator (nonce); it expires with its lease");
        }
    }

    private void scheduleRenewal(Managed m) {
        if (closed) {
            return;
        }
        Duration delay;
        if (m.lost) {
            delay = options.checkInterval;
        } else if (m.mapping.permanent()) {
            // Permanent (725): nothing expires, but re-adding periodically repairs a gateway that forgot it.
            delay = m.requestedLease.isZero() ? options.checkInterval
                    : Duration.ofMillis((long) (m.requestedLease.toMillis() * options.renewAt));
        } else {
            delay = Duration.ofMillis(Math.max(1000, (long) (m.mapping.lease().toMillis() * options.renewAt)));
        }
        m.renewal = timer.schedule(() -> renew(m, "lease"), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void renew(Managed m, String why) {
        synchronized (managed) {
            if (closed || !managed.containsKey(m.handle)) {
                return;
            }
        }
        PortMapping before = m.mapping;
        try {
            Grant g = m.backend.map(m.handle, before.external().getPort(), m.requestedLease.toSeconds());
            PortMapping after = toMapping(m, g, m.backend.internalAddress());
            m.mapping = after;
            m.lost = false;
            log.debug("renewed ({}): {}", why, after);
            noteExternal(g.externalAddress(), true);
            listeners.forEach(l -> l.mappingRenewed(before, after));
            if (m.backend.takeEpochReset()) {
                gatewayReset(m.backend);
            }
        } catch (PortMapException e) {
            log.debug("renewal of {} failed: {}", before, e.getMessage());
            if (!m.lost && options.clock.instant().isAfter(before.expiry())) {
                m.lost = true;
                listeners.forEach(l -> l.mappingLost(before, e));
            } else if (!m.lost && !"lease".equals(why)) {
                m.lost = true;
                listeners.forEach(l -> l.mappingLost(before, e));
            }
        } catch (RuntimeException e) {
            log.warn("renewal of {} crashed", before, e);
        }
        synchronized (managed) {
            if (m.renewal != null) {
                m.renewal.cancel(false);
            }
            if (managed.containsKey(m.handle)) {
                if (m.lost || options.clock.instant().isBefore(m.mapping.expiry())) {
                    scheduleRenewal(m);
                } else {
                    // Renewal failed but the lease has not run out: retry soon, well before expiry.
                    m.renewal = timer.schedule(() -> renew(m, "retry"), 1, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Periodic check: external address, epoch, listing; re-creates what the gateway lost. */
    private void check() {
        if (closed) {
            return;
        }
        List<Managed> all;
        synchronized (managed) {
            all = List.copyOf(managed.values());
        }
        Map<MappingBackend, Boolean> seen = new LinkedHashMap<>();
        for (Managed m : all) {
            seen.putIfAbsent(m.backend, true);
        }
        if (seen.isEmpty() && chosen != null) {
            seen.put(backends.get(chosen), true);
        }
        for (MappingBackend b : seen.keySet()) {
            try {
                InetAddress ext = b.externalAddress();
                boolean reset = b.takeEpochReset();
                boolean changed = noteExternal(ext, true);
                if (reset) {
                    gatewayReset(b);
                } else if (changed) {
                    renewAll(b, "external address changed");
                }
            } catch (PortMapException e) {
                log.debug("external address check with {} failed: {}", b.protocol(), e.getMessage());
            } catch (RuntimeException e) {
                log.warn("external address check crashed", e);
            }
        }
        for (Managed m : all) {
            try {
                if (!m.lost && !m.backend.stillListed(m.handle)) {
                    renew(m, "no longer listed");
                }
            } catch (PortMapException e) {
                log.debug("listing check of {} failed: {}", m.mapping, e.getMessage());
            } catch (RuntimeException e) {
                log.warn("listing check crashed", e);
            }
        }
    }

    private void gatewayReset(MappingBackend b) {
        listeners.forEach(l -> l.gatewayReset(b.protocol()));
        if (b instanceof UpnpBackend u) {
            u.forget();
        }
        renewAll(b, "gateway epoch reset");
    }

    private void renewAll(MappingBackend b, String why) {
        List<Managed> all;
        synchronized (managed) {
            all = managed.values().stream().filter(m -> m.backend == b).toList();
        }
        for (Managed m : all) {
            renew(m, why);
        }
    }

    /** Records an external address; returns whether it changed (and tells listeners if {@code notify}). */
    private boolean noteExternal(InetAddress ext, boolean notify) {
        if (ext == null || ext.isAnyLocalAddress()) {
            return false;
        }
        InetAddress prev = lastExternal;
        lastExternal = ext;
        if (prev != null && !prev.equals(ext)) {
            if (notify) {
                listeners.forEach(l -> l.externalAddressChanged(prev, ext));
            }
            return true;
        }
        return false;
    }

    /** Runs the periodic check now (tests, or after a network change the application noticed). */
    public void checkNow() {
        try {
            timer.submit(this::check).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("check failed", e.getCause());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("PortMapper is closed");
        }
    }

    /** Deletes every mapping (best effort) and stops maintenance. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        checker.cancel(false);
        List<Managed> all;
        synchronized (managed) {
            all = List.copyOf(managed.values());
            managed.clear();
        }
        for (Managed m : all) {
            if (m.renewal != null) {
                m.renewal.cancel(false);
            }
            try {
                m.backend.unmap(m.handle);
            } catch (PortMapException | RuntimeException e) {
                log.debug("could not delete {}: {}", m.mapping, e.getMessage());
            }
        }
        timer.shutdownNow();
    }

    /** Options. */
    public static final class Builder {
        private InetAddress gateway;
        private int natPmpPort = NatPmpClient.PORT;
        private int ssdpPort = 1900;
        private URI upnpLocation;
        private List<MappingProtocol> protocols = List.of(MappingProtocol.values());
        private Duration probeTimeout = Duration.ofSeconds(2);
        private Duration requestDeadline = Duration.ofSeconds(10);
        private java.util.function.Supplier<Retransmission> pcpSchedule = Retransmission::pcp;
        private Duration httpConnectTimeout = Duration.ofSeconds(2);
        private Duration httpDeadline = Duration.ofSeconds(5);
        private Duration checkInterval = Duration.ofSeconds(60);
        private double renewAt = 0.5;
        private String description = "peerlink";
        private Clock clock = Clock.systemUTC();
        private final List<PortMapListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /** The gateway to talk to; default: the IPv4 default route's gateway. */
        public Builder gateway(InetAddress gateway) {
            this.gateway = gateway;
            return this;
        }

        /** NAT-PMP / PCP server port (5351; tests use fakes on other ports). */
        public Builder natPmpPort(int port) {
            this.natPmpPort = port;
            return this;
        }

        /** Unicast SSDP port of the gateway (1900). */
        public Builder ssdpPort(int port) {
            this.ssdpPort = port;
            return this;
        }

        /** Skip SSDP and use this UPnP device description URL. */
        public Builder upnpLocation(URI location) {
            this.upnpLocation = location;
            return this;
        }

        /** Which protocols automatic mapping may use, in order of preference (default PCP, NAT-PMP, UPnP). */
        public Builder protocols(List<MappingProtocol> protocols) {
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("no protocols");
            }
            this.protocols = List.copyOf(protocols);
            return this;
        }

        /** How long the parallel availability probe (and SSDP discovery) may take. Default 2 s. */
        public Builder probeTimeout(Duration d) {
            this.probeTimeout = d;
            return this;
        }

        /** Deadline of one NAT-PMP / PCP request including retransmissions (the RFCs' own limits are minutes). Default 10 s. */
        public Builder requestDeadline(Duration d) {
            this.requestDeadline = d;
            return this;
        }

        /** PCP retransmission schedule (default RFC 6887: 3 s initial, doubling, jittered). */
        public Builder pcpRetransmission(java.util.function.Supplier<Retransmission> schedule) {
            this.pcpSchedule = schedule;
            return this;
        }

        /** HTTP connect timeout and overall per-request deadline for UPnP. Defaults 2 s and 5 s. */
        public Builder httpTimeouts(Duration connect, Duration deadline) {
            this.httpConnectTimeout = connect;
            this.httpDeadline = deadline;
            return this;
        }

        /** How often to check the external address, epoch and UPnP listing. Default 60 s. */
        public Builder checkInterval(Duration d) {
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("check interval must be positive");
            }
            this.checkInterval = d;
            return this;
        }

        /** Fraction of the lease after which to renew (0 &lt; f &lt; 1). Default 0.5. */
        public Builder renewAt(double fraction) {
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("renewAt must be in (0,1)");
            }
            this.renewAt = fraction;
            return this;
        }

        /** UPnP mapping description. */
        public Builder description(String d) {
            this.description = d;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder listener(PortMapListener l) {
            listeners.add(l);
            return this;
        }

        public PortMapper build() throws PortMapException {
            return new PortMapper(this);
        }
    }

    @Override
    public String toString() {
        return "PortMapper[" + (chosen == null ? "no protocol chosen" : chosen.cliName()) + ", " + mappings().size()
                + " mapping(s)]";
    }
}
