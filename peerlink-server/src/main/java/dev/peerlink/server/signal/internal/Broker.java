package dev.peerlink.server.signal.internal;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.protocol.RelayGrant;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.server.cluster.ClusterMessage;
import dev.peerlink.server.cluster.ClusterSeams;
import dev.peerlink.server.cluster.DeviceRegistry;
import dev.peerlink.server.monitor.MappingMonitor;
import dev.peerlink.server.share.ShareService;
import dev.peerlink.server.signal.LadderReports;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.server.signal.SignalStats;
import dev.peerlink.server.signal.internal.DeviceCache.Device;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signalling logic, independent of the transport: hands each message to its part — {@link Registrar}
 * (registration), {@link Sessions} (connect brokering, session-confined signals, pending list, ladder reports) —
 * over the registry cache ({@link DeviceCache}) and the routes to devices ({@link Routes}: here, or on another
 * instance in cluster mode). Sends happen on the connections' own threads.
 */
public final class Broker {
    private final SignalServerConfig config;
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private final SignallingCodec codec = SignallingCodec.standard();
    private final LongSupplier clock;
    private final String serverId;
    private final SignalStats stats = new SignalStats();
    private final DeviceCache cache;
    private final Routes routes;
    private final Registrar registrar;
    private final Sessions sessions;
    private volatile ShareService share;
    /** Where work waiting on the shared registry runs (virtual threads: a lookup blocks only itself). */
    private final Executor lookups = Executors.newVirtualThreadPerTaskExecutor();

    public Broker(SignalServerConfig config, DeviceRegistry registry, List<String> stun,
                  Function<DeviceId, Optional<RelayGrant>> relayGrants, LongSupplier clock, String serverId,
                  ClusterSeams seams) throws SQLException {
        this.config = config;
        this.clock = clock;
        this.serverId = serverId;
        this.cache = new DeviceCache(registry, codec);
        this.routes = new Routes(seams, codec);
        this.registrar = new Registrar(config, cache, routes, codec, clock, stats, stun, relayGrants);
        this.sessions = new Sessions(config, cache, routes, codec, clock, stats, this::refuse);
        seams.bus().subscribe(this::onCluster);
        seams.bus().onPossibleLoss(cache::invalidateAll);
    }

    public SignalStats stats() {
        return stats;
    }

    /** Online devices by the NAT type they report ({@code "unknown"} when they report none). */
    public Map<String, Integer> natMix() {
        Map<String, Integer> mix = new HashMap<>();
        for (DeviceId id : routes.localDevices()) {
            Device d = cache.cached(id);
            NetworkInfo.Nat nat = d == null ? null : d.network.nat();
            String type = nat == null || nat.type() == null || nat.type().isBlank() ? "unknown" : nat.type();
            mix.merge(type, 1, Integer::sum);
        }
        return mix;
    }

    private void onCluster(ClusterMessage m) {
        if (m.kind() != ClusterMessage.Kind.SHARE_ANSWER) {
            sessions.onCluster(m, this::replacedRemotely);
            return;
        }
        ShareService s = share;
        try {
            if (s != null && codec.decode(m.body()) instanceof Message.Share answer) {
                s.forwardedAnswer(DeviceId.of(m.device()), answer);
            }
        } catch (ProtocolException | IllegalArgumentException e) {
            LOG.warn("unreadable {} from instance {}: {}", m.kind(), m.from(), e.toString());
        }
    }

    /** This instance's id in cluster mode; null single-process. */
    public String instanceId() {
        return routes.instanceId();
    }

    /** Hands a provider's access answer to the instance whose find asked for it (cluster mode). */
    public boolean forwardShareAnswer(String instance, DeviceId provider, Message.Share answer) {
        if (!routes.clustered()) {
            return false;
        }
        routes.publish(instance, new ClusterMessage(ClusterMessage.Kind.SHARE_ANSWER, routes.instanceId(), provider.value(),
                null, null, 0, codec.encode(answer)));
        return true;
    }

    /** Hands sharing messages to {@code s} and tells it of devices going offline; null detaches. */
    public void attachShare(ShareService s) {
        this.share = s;
    }

    /** The registered public key of {@code device} (base64url), or null when unknown. */
    public String publicKeyOf(DeviceId device) {
        try {
            Device d = cache.find(device);
            return d == null ? null : d.publicKey;
        } catch (DeviceCache.Unavailable e) {
            return null;
        }
    }

    /** Counts the ladder reports this broker accepts (and refuses) in {@code r}; null: validated and answered only. */
    public void attachLadderReports(LadderReports r) {
        sessions.ladderReports = r;
    }

    /** Feeds reported mappings to {@code m}, and its acks; null detaches. */
    public void attachMonitor(MappingMonitor m) {
        registrar.monitor = m;
    }

    /** True while {@code device} has a registered connection (here, or in cluster mode on any instance). */
    public boolean isOnline(DeviceId device) {
        return routes.isOnline(device);
    }

    /** Sends {@code m} to {@code device} if it is online here or on another instance (monitor remaps, notices). */
    public boolean sendTo(DeviceId device, Message m) {
        return routes.sendTo(device, m);
    }

    /** The outcome of {@link #authenticateKey}. */
    public enum KeyCheck { MATCH, BOUND, MISMATCH, ENROLL_REQUIRED, UNAVAILABLE }

    /**
     * Checks a key proven on another endpoint (the transfer endpoint's hello) against the registry, binding an
     * unknown device on first use exactly as a registration would (refused when the server needs an enrolment token).
     */
    public KeyCheck authenticateKey(DeviceId id, String publicKey) {
        return registrar.authenticateKey(id, publicKey);
    }

    /** True when the registry knows this device (online or not). */
    public boolean knows(DeviceId id) {
        try {
            return cache.find(id) != null;
        } catch (DeviceCache.Unavailable e) {
            return false;
        }
    }

    public String serverId() {
        return serverId;
    }

    public int onlineCount() {
        return routes.count();
    }

    public int deviceCount() {
        return cache.size();
    }

    public int sessionCount() {
        return sessions.count();
    }

    public Message.Challenge challenge(Conn c) {
        return new Message.Challenge(Ed25519.b64(c.nonce), clock.getAsLong(), serverId);
    }

    /** A frame the codec rejected. Returns true when the connection must be closed. */
    public boolean protocolError(Conn c, ProtocolException e) {
        boolean fatal = e.code() == ProtocolException.Code.UNSUPPORTED_VERSION || ++c.protocolErrors > config.limits().maxProtocolErrors();
        Message.Error err = new Message.Error(e.rid(), e.code().wire(), e.getMessage());
        if (fatal) {
            c.sendAndClose(err);
        } else {
            c.send(err);
        }
        return fatal;
    }

    public void onMessage(Conn c, Message m) {
        if (m instanceof Message.Register r) {
            if (mayLookUp(r)) {
                lookups.execute(() -> register(c, r));
            } else {
                register(c, r);
            }
            return;
        }
        if (m instanceof Message.Ping p) {
            DeviceId me = registered(c);
            if (me != null) {
                routes.heartbeat(me);
            }
            c.send(new Message.Pong(p.rid(), clock.getAsLong()));
            return;
        }
        DeviceId me = registered(c);
        if (me == null) {
            String rid = deviceRequestRid(m);
            if (rid != null || isFromDevice(m)) {
                refuse(c, rid, ErrorCode.NOT_REGISTERED, "register first");
            } else {
                refuse(c, null, ErrorCode.UNEXPECTED, m.type() + " is sent by the server, not to it");
            }
            return;
        }
        switch (m) {
            case Message.Update u -> registrar.update(c, u);
            case Message.Connect x -> {
                if (cache.mayLookUp(x.target())) {
                    lookups.execute(() -> sessions.connect(c, me, x));
                } else {
                    sessions.connect(c, me, x);
                }
            }
            case Message.Answer a -> sessions.answer(c, me, a);
            case Message.Signal s -> sessions.signal(c, me, s);
            case Message.ProbeAck a -> {
                MappingMonitor mon = registrar.monitor;
                if (mon != null) {
                    mon.ack(me, a.nonce());
                }
                if (a.rid() != null) {
                    c.send(new Message.Ok(a.rid()));
                }
            }
            case Message.LadderReport r -> sessions.ladderReport(c, me, r);
            case Message.Pending p -> c.send(new Message.PendingList(p.rid(), sessions.pending(me)));
            case Message.Share s -> {
                ShareService sh = share;
                if (sh == null) {
                    refuse(c, s.rid(), "unsupported", "this server runs no sharing service");
                } else {
                    sh.onMessage(me, s, c::send);
                }
            }
            default -> refuse(c, null, ErrorCode.UNEXPECTED, m.type() + " is sent by the server, not to it");
        }
    }

    private void register(Conn c, Message.Register r) {
        if (!registrar.register(c, r)) {
            refuse(c, r.rid(), ErrorCode.ALREADY_REGISTERED, "this connection is registered as " + c.deviceId());
        }
    }

    private boolean mayLookUp(Message.Register r) {
        if (cache.mayLookUp(Identity.device(r.deviceId()))) {
            return true;
        }
        for (Identity alias : r.aliases().identities()) {
            if (cache.mayLookUp(alias)) {
                return true;
            }
        }
        return false;
    }

    /** The request id of a message only registered devices send (null when it has none or is another type). */
    private static String deviceRequestRid(Message m) {
        return switch (m) {
            case Message.Update u -> u.rid();
            case Message.Connect x -> x.rid();
            case Message.Answer a -> a.rid();
            case Message.Signal s -> s.rid();
            case Message.ProbeAck a -> a.rid();
            case Message.LadderReport r -> r.rid();
            case Message.Pending p -> p.rid();
            case Message.Share s -> s.rid();
            default -> null;
        };
    }

    private static boolean isFromDevice(Message m) {
        return m instanceof Message.Update || m instanceof Message.Connect || m instanceof Message.Answer
                || m instanceof Message.Signal || m instanceof Message.ProbeAck || m instanceof Message.LadderReport
                || m instanceof Message.Pending || m instanceof Message.Share;
    }

    private DeviceId registered(Conn c) {
        synchronized (registrar) {
            return c.deviceId;
        }
    }

    void refuse(Conn c, String rid, String code, String message) {
        if (++c.protocolErrors > config.limits().maxProtocolErrors()) {
            c.sendAndClose(new Message.Error(rid, code, message));
        } else {
            c.send(new Message.Error(rid, code, message));
        }
    }

    /** Told of every registration, after the device has its {@code registered} (on the event loop: don't block). */
    public void onRegistered(Consumer<DeviceId> listener) {
        registrar.registeredListener = java.util.Objects.requireNonNull(listener);
    }

    // ---- lifecycle ------------------------------------------------------------------------

    public void onClose(Conn c) {
        DeviceId id = registered(c);
        if (id != null && routes.remove(id, c, true)) {
            gone(id);
        }
    }

    /** The device registered on another instance: its connection here is closed without releasing its presence. */
    private void replacedRemotely(DeviceId device) {
        Conn c = routes.local(device);
        if (c != null && routes.remove(device, c, false)) {
            gone(device, false); // the record is the new instance's now: no stale network written over it
            registrar.closeReplaced(c);
        }
    }

    private void gone(DeviceId id) {
        gone(id, true);
    }

    private void gone(DeviceId id, boolean touch) {
        long now = clock.getAsLong();
        MappingMonitor mon = registrar.monitor;
        if (mon != null) {
            mon.deviceGone(id);
        }
        ShareService sh = share;
        if (sh != null) {
            sh.deviceOffline(id);
        }
        Device d = cache.cached(id);
        if (d != null && touch) {
            d.lastSeen = now;
            cache.registry().touchAsync(d.id, now, codec.encodeNetwork(d.network));
        }
    }

    /** Expires sessions: unanswered past their deadline (the initiator hears {@code timeout}), idle ones silently. */
    public void sweep() {
        sessions.sweep();
    }

    /** Snapshot of live connections, for shutdown. */
    public List<Conn> connections() {
        return routes.connections();
    }
}
