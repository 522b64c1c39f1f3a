package dev.peerlink.peer.internal.ladder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.peer.internal.NetworkMonitor;
import dev.peerlink.peer.internal.birthday.BirthdayStep;
import dev.peerlink.peer.internal.stream.MigratingConnection;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Endpoints;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.secure.SecureSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both ends of a ladder run do: open the TCP listener and the UDP socket, learn the UDP socket's public mapping,
 * describe both as a {@link LadderOffer}, accept inbound TCP, exchange ladder signals through the server, keep
 * exactly one selected session (moving off the relay when something better appears), and release whatever was not
 * selected when the run ends.
 */
public abstract class LadderSide {
    private static final Logger LOG = LoggerFactory.getLogger(LadderSide.class);
    public static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration NOMINATION_TIMEOUT = Duration.ofSeconds(5);

    protected final LadderContext ctx;
    protected final String session;
    protected final boolean controlling;
    protected final long startNanos = System.nanoTime();
    protected final ReentrantLock selectLock = new ReentrantLock();
    protected volatile ServerSocket listener;
    protected volatile UdpChecker udp;
    protected volatile LadderOffer mine;
    protected volatile LadderOffer theirs;
    protected volatile MigratingConnection conn;
    protected volatile boolean finished;
    protected volatile BirthdayStep birthday;
    private volatile OwnRelay relay;
    /** The other side's offer as received, before {@link #sane} dropped what this host cannot send to. */
    private volatile LadderOffer offered;

    protected LadderSide(LadderContext ctx, String session, boolean controlling) {
        this.ctx = ctx;
        this.session = session;
        this.controlling = controlling;
    }

    /** Opens the listener and the UDP socket and builds this side's offer. */
    protected LadderOffer prepare() throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.bind(new InetSocketAddress(0), 16);
        listener = ss;
        udp = UdpChecker.open(new InetSocketAddress(0), session, controlling);
        NetworkInfo net = ctx.network().get();
        Optional<InetSocketAddress> mapped = Optional.empty();
        Message.Registered reg = ctx.signalling().registration();
        boolean udpBlocked = net.nat() != null && PathPlan.UDP_BLOCKED.equals(net.nat().type());
        if (reg != null && !reg.stun().isEmpty() && !udpBlocked) { // a blocked network would only wait out the timeout
            try {
                mapped = udp.stunMapped(Endpoints.parse(reg.stun().get(0)), Duration.ofMillis(1200));
            } catch (IOException e) {
                // e.g. an IPv6-only device and an IPv4 STUN server ("network unreachable"): host candidates only
                LOG.debug("{}: no STUN mapping: {}", session, e.toString());
            }
        }
        Set<InetAddress> ips = new LinkedHashSet<>();
        for (InetSocketAddress a : NetworkMonitor.lanAddresses(0)) {
            ips.add(a.getAddress());
        }
        if (ctx.config().includeLoopback()) {
            ips.add(InetAddress.getLoopbackAddress());
        }
        List<InetSocketAddress> tcp = new ArrayList<>();
        List<InetSocketAddress> udpCands = new ArrayList<>();
        for (InetAddress ip : ips) {
            tcp.add(new InetSocketAddress(ip, ss.getLocalPort()));
            if (!udpBlocked) {
                udpCands.add(new InetSocketAddress(ip, udp.localPort()));
            }
        }
        mapped.filter(m -> !udpCands.contains(m)).ifPresent(udpCands::add);
        InetAddress publicIp = mapped.map(InetSocketAddress::getAddress)
                .orElse(net.publicAddress() == null ? null : net.publicAddress().getAddress());
        String nat = net.nat() == null ? null : net.nat().type();
        boolean relay = reg != null && reg.relay() != null && ctx.config().allows("relay");
        // The target offers its gateway TCP mappings (path mapped, served by the device's persistent listener).
        List<InetSocketAddress> mappedCands = !controlling && ctx.config().allows("mapped") ? ctx.mappedTcp().get() : List.of();
        mine = new LadderOffer(tcp, udpCands, publicIp, nat, relay, mappedCands);
        return mine;
    }

    /**
     * The other side's offer with candidates we will never send to: loopback (unless configured, for tests on one
     * host), wildcard and multicast addresses — an offer must not turn this device into a packet source aimed at
     * its own host or a group — and IPv6 ones when this JVM's sockets are IPv4-only (a host without IPv6: a send or
     * dial there throws instead of failing like an unreachable address).
     */
    protected LadderOffer sane(LadderOffer o) {
        offered = o; // the relay speaks IPv6 for us where this host cannot: it needs the peer's v6 addresses
        boolean v6 = UdpChecker.ipv6Capable();
        java.util.function.Predicate<InetSocketAddress> ok = a -> a.getAddress() != null && a.getPort() != 0
                && !a.getAddress().isAnyLocalAddress() && !a.getAddress().isMulticastAddress()
                && (ctx.config().includeLoopback() || !a.getAddress().isLoopbackAddress())
                && (v6 || !(a.getAddress() instanceof java.net.Inet6Address));
        return new LadderOffer(o.tcp().stream().filter(ok).toList(), o.udp().stream().filter(ok).toList(),
                o.publicIp(), o.nat(), o.relay(), o.mapped().stream().filter(ok).toList());
    }

    /** Accepts inbound TCP connections on the listener until the run ends. */
    protected void startAccepting() {
        Thread.ofVirtual().name("peerlink-ladder-accept").start(() -> {
            while (!finished) {
                try {
                    Socket s = listener.accept();
                    Thread.ofVirtual().start(() -> onAccepted(s));
                } catch (IOException e) {
                    return; // closed at finish
                }
            }
        });
    }

    protected abstract void onAccepted(Socket socket);

    /** A ladder signal from the other device ({@code {"t":"reverse"|"punch"|"relay", ...}}). */
    protected abstract void onSignal(String type, JsonNode data);

    /** Called by the signal router. */
    public final void signalReceived(JsonBlob data) {
        try {
            JsonNode n = JSON.readTree(data.json());
            String t = n.path("t").asText("");
            if (t.matches("[a-z]{1,16}")) {
                onSignal(t, n);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: bad ladder signal: {}", session, e.toString());
        }
    }

    protected void sendSignal(DeviceId to, String type, String key, String value) {
        ObjectNode o = JSON.createObjectNode().put("t", type);
        if (key != null) {
            o.put(key, value);
        }
        sendSignal(to, o);
    }

    protected void sendSignal(DeviceId to, ObjectNode o) {
        String type = o.path("t").asText();
        try {
            ctx.signalling().signal(session, to, JsonBlob.parse(o.toString()))
                    .exceptionally(e -> {
                        LOG.debug("{}: signal {} failed: {}", session, type, e.toString());
                        return null;
                    });
        } catch (ProtocolException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts the birthday step (seed 003) when it applies to this pair ({@link PathPlan#birthdayUseful}): the easy side
     * opens its socket and signals its mapping; the hard side waits for that signal. Both sides symmetric
     * ({@link PathPlan#predictUseful}): two-sided port prediction, both sides signal. Call once both offers are known.
     *
     * @return whether the step runs
     */
    protected boolean startBirthday() {
        Message.Registered reg = ctx.signalling().registration();
        boolean twoSided = PathPlan.predictUseful(mine, theirs);
        if (!ctx.config().allows("birthday") || PathPlan.tcpOnly(mine, theirs)
                || !(twoSided || PathPlan.birthdayUseful(mine, theirs)) || reg == null || reg.stun().isEmpty()) {
            return false;
        }
        InetSocketAddress stun = Endpoints.parse(reg.stun().get(0));
        boolean hard = "symmetric".equals(mine.nat());
        NetworkInfo net = ctx.network().get();
        NetworkInfo.Nat nat = net == null ? null : net.nat();
        BirthdayStep b = twoSided
                ? BirthdayStep.twoSided(session, controlling, ctx.config().birthday(),
                        o -> sendSignal(peerRef().deviceId(), o), this::birthdayChannel, this::birthdayGaveUp)
                : new BirthdayStep(session, hard, controlling, ctx.config().birthday(),
                        o -> sendSignal(peerRef().deviceId(), o), this::birthdayChannel);
        birthday = b;
        if (finished) {
            b.close();
            return false;
        }
        LOG.debug("{}: birthday punching as the {} side", session, twoSided ? "two-sided" : hard ? "hard" : "easy");
        // Two-sided prediction needs this side's NAT to be sequential; else it signals so, and the step counts as not run.
        boolean runs = !twoSided || BirthdayStep.predictable(nat);
        schedule(ctx.config().birthday().after().minus(elapsed()), () -> {
            if (settled()) {
                return;
            }
            try {
                b.start(stun, nat, mine.publicIp());
            } catch (IOException | RuntimeException e) {
                LOG.debug("{}: birthday step cannot start: {}", session, e.toString());
            }
        });
        return runs;
    }

    /** The two-sided birthday step gave up (unpredictable NAT, or no pair met): the initiator starts its relay. */
    protected void birthdayGaveUp() {
    }

    /** A {@code birthday} signal: handed to the step (waiting briefly when it races the answer on the initiator). */
    protected void birthdaySignal(JsonNode data) {
        Thread.ofVirtual().start(() -> {
            long end = System.nanoTime() + 5_000_000_000L;
            while (birthday == null && !finished && System.nanoTime() < end) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
            BirthdayStep b = birthday;
            if (b == null || finished || settled()) {
                return;
            }
            Message.Registered reg = ctx.signalling().registration();
            InetSocketAddress stun = reg == null || reg.stun().isEmpty() ? null : Endpoints.parse(reg.stun().get(0));
            NetworkInfo net = ctx.network().get();
            b.onSignal(data, theirs.publicIp(), mine.publicIp(), net == null ? null : net.nat(), stun);
        });
    }

    /** The birthday step reached the other device over {@code ch}: run QUIC over it (initiator = client). */
    protected abstract void birthdayChannel(java.nio.channels.DatagramChannel ch, InetSocketAddress remote);

    /** Connected on a path that no later attempt may replace (anything but the relay). */
    protected boolean settled() {
        MigratingConnection c = conn;
        return c != null && !"relay".equals(c.path());
    }

    protected void schedule(Duration after, Runnable task) {
        ctx.timers().schedule(() -> {
            if (!finished) {
                Thread.ofVirtual().start(task);
            }
        }, Math.max(0, after.toMillis()), TimeUnit.MILLISECONDS);
    }

    protected Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * Takes a finished handshake: the first becomes the connection, a later one replaces a relayed path, anything
     * else is closed. {@code nominate} runs the nomination exchange and says whether it succeeded.
     */
    protected boolean adopt(SecureSession s, String path, java.util.function.BooleanSupplier nominate) {
        selectLock.lock();
        try {
            MigratingConnection c = conn;
            // The initiator decides (first success, or off the relay); the target follows every nomination it gets.
            boolean first = c == null && (!controlling || !finished);
            boolean upgrade = c != null && c.isOpen()
                    && (!controlling || "relay".equals(c.path()) && PathPlan.rank(path) < PathPlan.rank("relay"));
            if (!first && !upgrade) {
                s.close();
                return false;
            }
            if (!nominate.getAsBoolean()) {
                return false;
            }
            if (first) {
                conn = new MigratingConnection(peerRef(), session, controlling, s, path, elapsed());
                LOG.info("{}: connected by {} in {} ms", session, path, elapsed().toMillis());
                onConnected(conn);
            } else {
                LOG.info("{}: moving from relay to {} after {} ms", session, path, elapsed().toMillis());
                c.migrate(s, path);
            }
            if (!"relay".equals(path)) {
                finish();
            }
            return true;
        } finally {
            selectLock.unlock();
        }
    }

    protected abstract dev.peerlink.protocol.PeerRef peerRef();

    protected abstract void onConnected(MigratingConnection c);

    /** Ends the run: stops routing signals, closes the listener and every unselected socket. */
    protected void finish() {
        if (finished) {
            return;
        }
        finished = true;
        ctx.routes().remove(session, this);
        closeQuietly(listener);
        UdpChecker u = udp;
        if (u != null) {
            u.close();
        }
        closeQuietly(birthday);
        closeQuietly(relay);
        released();
    }

    /**
     * The relay rung on this side's own allocation. With {@code peerRelayed} null the other side sends from a plain
     * socket: its {@code ips} are permitted, QUIC listens, then the relayed address is signalled. With the other side's
     * relayed address (both sides UDP-blocked) a channel is bound to it, our relayed address is signalled (for the
     * other side's permission) and QUIC connects through both relays.
     */
    protected void openOwnRelay(DeviceId to, Set<InetAddress> ips, InetSocketAddress peerRelayed,
                                java.util.function.Consumer<SecureSession> onSession) {
        try {
            OwnRelay r = OwnRelay.open(ctx, PathPlan.udpBlocked(mine), PathPlan.ipv6Only(offered));
            relay = r;
            if (finished) {
                r.close();
                return;
            }
            java.util.concurrent.CompletableFuture<SecureSession> formed;
            if (peerRelayed == null) {
                // A UDP-blocked peer sends from its own relayed address, signalled later (bindOnOwnRelay).
                if (r.permit(ips) == 0 && !PathPlan.udpBlocked(theirs)) {
                    throw new IOException("the relay refused a permission for every address of " + to);
                }
                formed = r.accept(ctx, peerKey());
                sendSignal(to, "relay", "addr", Endpoints.format(r.relayed()));
            } else {
                sendSignal(to, "relay", "addr", Endpoints.format(r.relayed()));
                formed = r.connect(ctx, peerRelayed, peerKey());
            }
            formed.whenComplete((s, e) -> {
                if (s != null) {
                    Thread.ofVirtual().start(() -> onSession.accept(s));
                } else {
                    LOG.debug("{}: relayed QUIC failed: {}", session, String.valueOf(e));
                }
            });
        } catch (IOException e) {
            LOG.warn("{}: relay allocation failed: {}", session, e.toString());
        }
    }

    /** This run's own allocation, once opened. */
    protected OwnRelay ownRelay() {
        return relay;
    }

    /** Relay to relay: the other side's relayed address becomes the peer of this run's own allocation. */
    protected void bindOnOwnRelay(InetSocketAddress peerRelayed) {
        OwnRelay r = relay;
        if (r != null && !r.peer(peerRelayed)) {
            LOG.debug("{}: the relay refused a channel to {}", session, peerRelayed);
        }
    }

    /** The other side's addresses a relay permission must cover: its public IP and its host addresses. */
    protected Set<InetAddress> peerIps() {
        LadderOffer o = offered;
        Set<InetAddress> ips = new LinkedHashSet<>();
        if (o.publicIp() != null) {
            ips.add(o.publicIp());
        }
        o.udp().stream().map(InetSocketAddress::getAddress)
                .filter(a -> a != null && !a.isAnyLocalAddress() && !a.isMulticastAddress()
                        && (!a.isLoopbackAddress() || ctx.config().includeLoopback()))
                .forEach(ips::add);
        return ips;
    }

    /**
     * QUIC from a fresh plain UDP socket to the other side's relayed address (the side without the allocation; its
     * TURN permission is per IP, so any local port and any NAT mapping will do).
     */
    protected void connectToRelay(InetSocketAddress relayed, java.util.function.Consumer<SecureSession> onSession) {
        if (settled() || finished) {
            return;
        }
        try {
            java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open();
            ch.bind(new InetSocketAddress(0));
            ctx.quic().connect(ch, relayed, ctx.self(), peerKey(), ctx.config().session()).whenComplete((s, e) -> {
                if (s != null) {
                    Thread.ofVirtual().start(() -> onSession.accept(s));
                } else {
                    LOG.debug("{}: QUIC to relay {} failed: {}", session, relayed, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.debug("{}: cannot reach relay {}: {}", session, relayed, e.toString());
        }
    }

    /** The other device's pinned key (known once the run has both offers). */
    protected abstract dev.peerlink.secure.PeerIdentity peerKey();

    /** Hook for side-specific resources (the relay allocation when unused). */
    protected void released() {}

    protected static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
