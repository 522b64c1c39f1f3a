package dev.peerlink.server.signal.internal;

import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.JsonBlob;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.PeerRef;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.protocol.RelayGrant;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.server.monitor.MappingMonitor;
import dev.peerlink.server.share.ShareService;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signalling logic, independent of the transport: registration (signature, trust on first
 * use, enrolment, aliases), the registry in memory (loaded from and written through to
 * {@link DeviceStore}), connect brokering, session-confined signal relay and the pending list.
 * All state is guarded by this object's lock; sends happen on the connections' own threads.
 */
public final class Broker {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final int MAX_PENDING_ITEMS = 64;

    static final class Device {
        final DeviceId id;
        final String publicKey;
        final long createdAt;
        Aliases aliases;
        NetworkInfo network = NetworkInfo.EMPTY;
        long lastSeen;

        Device(DeviceId id, String publicKey, long createdAt, Aliases aliases) {
            this.id = id;
            this.publicKey = publicKey;
            this.createdAt = createdAt;
            this.aliases = aliases;
        }

        PeerRef ref() {
            return new PeerRef(id, publicKey);
        }
    }

    static final class Session {
        final String id;
        final DeviceId initiator;
        final DeviceId target;
        final String connectRid;
        final JsonBlob offer;
        final long answerDeadline;
        boolean answered;
        long lastActivity;

        Session(String id, DeviceId initiator, DeviceId target, String connectRid, JsonBlob offer, long now, long answerDeadline) {
            this.id = id;
            this.initiator = initiator;
            this.target = target;
            this.connectRid = connectRid;
            this.offer = offer;
            this.lastActivity = now;
            this.answerDeadline = answerDeadline;
        }

        DeviceId other(DeviceId me) {
            return me.equals(initiator) ? target : me.equals(target) ? initiator : null;
        }
    }

    private final SignalServerConfig config;
    private final DeviceStore store;
    private final SignallingCodec codec = SignallingCodec.standard();
    private final List<String> stun;
    private final Function<DeviceId, Optional<RelayGrant>> relayGrants;
    private final LongSupplier clock;
    private final String serverId;
    private final dev.peerlink.server.signal.SignalStats stats = new dev.peerlink.server.signal.SignalStats();

    private final Map<DeviceId, Device> devices = new HashMap<>();
    private final Map<Identity, DeviceId> aliasIndex = new HashMap<>();
    private final Map<DeviceId, Conn> online = new HashMap<>();
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<DeviceId, Integer> initiated = new HashMap<>();
    private final Map<InetAddress, int[]> registrations = new HashMap<>();
    private long registrationWindow;
    private volatile MappingMonitor monitor;
    private volatile ShareService share;
    private volatile java.util.function.Consumer<DeviceId> registeredListener = id -> {};

    public Broker(SignalServerConfig config, DeviceStore store, List<String> stun,
                  Function<DeviceId, Optional<RelayGrant>> relayGrants, LongSupplier clock, String serverId) throws SQLException {
        this.config = config;
        this.store = store;
        this.stun = List.copyOf(stun);
        this.relayGrants = relayGrants;
        this.clock = clock;
        this.serverId = serverId;
        for (DeviceStore.Row row : store.loadAll()) {
            Device d = new Device(row.id(), row.publicKey(), row.createdAt(), row.aliases());
            d.lastSeen = row.lastSeen();
            if (row.networkJson() != null) {
                try {
                    d.network = codec.decodeNetwork(row.networkJson());
                } catch (ProtocolException e) {
                    LOG.warn("stored network of {} unreadable: {}", row.id(), e.getMessage());
                }
            }
            devices.put(d.id, d);
            for (Identity alias : d.aliases.identities()) {
                aliasIndex.put(alias, d.id);
            }
        }
        LOG.info("signalling registry: {} devices", devices.size());
    }

    public dev.peerlink.server.signal.SignalStats stats() {
        return stats;
    }

    /** Online devices by the NAT type they report ({@code "unknown"} when they report none). */
    public synchronized Map<String, Integer> natMix() {
        Map<String, Integer> mix = new HashMap<>();
        for (DeviceId id : online.keySet()) {
            Device d = devices.get(id);
            NetworkInfo.Nat nat = d == null ? null : d.network.nat();
            String type = nat == null || nat.type() == null || nat.type().isBlank() ? "unknown" : nat.type();
            mix.merge(type, 1, Integer::sum);
        }
        return mix;
    }

    /** Hands sharing messages to {@code s} and tells it of devices going offline; null detaches. */
    public void attachShare(ShareService s) {
        this.share = s;
    }

    /** The registered public key of {@code device} (base64url), or null when unknown. */
    public synchronized String publicKeyOf(DeviceId device) {
        Device d = devices.get(device);
        return d == null ? null : d.publicKey;
    }

    /** Feeds reported mappings to {@code m}, and its acks; null detaches. */
    public void attachMonitor(MappingMonitor m) {
        this.monitor = m;
    }

    /** True while {@code device} has a registered connection. */
    public synchronized boolean isOnline(DeviceId device) {
        return online.containsKey(device);
    }

    /** Sends {@code m} to {@code device} if it is online (the mapping monitor's {@code remap}). */
    public boolean sendTo(DeviceId device, Message m) {
        Conn c;
        synchronized (this) {
            c = online.get(device);
        }
        if (c == null) {
            return false;
        }
        c.send(m);
        return true;
    }

    /** The outcome of {@link #authenticateKey}. */
    public enum KeyCheck { MATCH, BOUND, MISMATCH, ENROLL_REQUIRED, UNAVAILABLE }

    /**
     * Checks a key proven on another endpoint (the transfer endpoint's hello) against the registry, binding an
     * unknown device on first use exactly as a registration would (refused when the server needs an enrolment token).
     */
    public KeyCheck authenticateKey(DeviceId id, String publicKey) {
        long now = clock.getAsLong();
        synchronized (this) {
            Device d = devices.get(id);
            if (d != null) {
                return d.publicKey.equals(publicKey) ? KeyCheck.MATCH : KeyCheck.MISMATCH;
            }
            if (config.enrollToken().isPresent()) {
                return KeyCheck.ENROLL_REQUIRED;
            }
            try {
                store.bind(id, publicKey, now, now, codec.encodeNetwork(NetworkInfo.EMPTY), Aliases.NONE);
            } catch (SQLException e) {
                LOG.error("cannot store key of {}: {}", id, e.toString());
                return KeyCheck.UNAVAILABLE;
            }
            devices.put(id, new Device(id, publicKey, now, Aliases.NONE));
            LOG.info("device {} bound to its key (first use, transfer endpoint)", id);
            return KeyCheck.BOUND;
        }
    }

    /** True when the registry knows this device (online or not). */
    public synchronized boolean knows(DeviceId id) {
        return devices.containsKey(id);
    }

    public String serverId() {
        return serverId;
    }

    public synchronized int onlineCount() {
        return online.size();
    }

    public synchronized int deviceCount() {
        return devices.size();
    }

    public synchronized int sessionCount() {
        return sessions.size();
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
        switch (m) {
            case Message.Register r -> register(c, r);
            case Message.Ping p -> c.send(new Message.Pong(p.rid(), clock.getAsLong()));
            case Message.Update u -> {
                if (requireRegistered(c, u.rid())) {
                    update(c, u);
                }
            }
            case Message.Connect x -> {
                if (requireRegistered(c, x.rid())) {
                    connect(c, x);
                }
            }
            case Message.Answer a -> {
                if (requireRegistered(c, a.rid())) {
                    answer(c, a);
                }
            }
            case Message.Signal s -> {
                if (requireRegistered(c, s.rid())) {
                    signal(c, s);
                }
            }
            case Message.ProbeAck a -> {
                if (requireRegistered(c, a.rid())) {
                    MappingMonitor mon = monitor;
                    if (mon != null) {
                        mon.ack(c.deviceId, a.nonce());
                    }
                    if (a.rid() != null) {
                        c.send(new Message.Ok(a.rid()));
                    }
                }
            }
            case Message.Pending p -> {
                if (requireRegistered(c, p.rid())) {
                    c.send(new Message.PendingList(p.rid(), pending(c.deviceId)));
                }
            }
            case Message.Share s -> {
                if (requireRegistered(c, s.rid())) {
                    ShareService sh = share;
                    if (sh == null) {
                        refuse(c, s.rid(), "unsupported", "this server runs no sharing service");
                    } else {
                        sh.onMessage(c.deviceId, s, c::send);
                    }
                }
            }
            default -> refuse(c, null, ErrorCode.UNEXPECTED, m.type() + " is sent by the server, not to it");
        }
    }

    private void refuse(Conn c, String rid, String code, String message) {
        if (++c.protocolErrors > config.limits().maxProtocolErrors()) {
            c.sendAndClose(new Message.Error(rid, code, message));
        } else {
            c.send(new Message.Error(rid, code, message));
        }
    }

    private boolean requireRegistered(Conn c, String rid) {
        synchronized (this) {
            if (c.deviceId != null) {
                return true;
            }
        }
        refuse(c, rid, ErrorCode.NOT_REGISTERED, "register first");
        return false;
    }

    // ---- registration ---------------------------------------------------------------------

    private void register(Conn c, Message.Register r) {
        if (!allowRegistration(c.ip)) {
            stats.registration("rate-limited");
            c.sendAndClose(new Message.Error(r.rid(), ErrorCode.RATE_LIMITED, "too many registrations from this address"));
            return;
        }
        // Verify outside the lock: it is the expensive part.
        if (!Ed25519.verifyRegistration(r.publicKey(), r.signature(), c.nonce, r.deviceId())) {
            stats.registration("bad-signature");
            c.sendAndClose(new Message.Error(r.rid(), ErrorCode.BAD_SIGNATURE, "signature does not verify over this connection's nonce"));
            return;
        }
        long now = clock.getAsLong();
        Conn replaced;
        synchronized (this) {
            if (c.deviceId != null) {
                stats.registration("already-registered");
                refuse(c, r.rid(), ErrorCode.ALREADY_REGISTERED, "this connection is registered as " + c.deviceId);
                return;
            }
            Device d = devices.get(r.deviceId());
            if (d != null && !d.publicKey.equals(r.publicKey())) {
                stats.registration("key-mismatch");
                c.sendAndClose(new Message.Error(r.rid(), ErrorCode.KEY_MISMATCH, "device " + r.deviceId() + " is bound to another key"));
                return;
            }
            if (d == null && config.enrollToken().isPresent() && !tokenMatches(config.enrollToken().get(), r.enrollToken())) {
                stats.registration("enroll-required");
                c.sendAndClose(new Message.Error(r.rid(), ErrorCode.ENROLL_REQUIRED, "this server needs an enrolment token for new devices"));
                return;
            }
            for (Identity alias : r.aliases().identities()) {
                DeviceId owner = aliasIndex.get(alias);
                if (owner != null && !owner.equals(r.deviceId())) {
                    stats.registration("alias-taken");
                    c.sendAndClose(new Message.Error(r.rid(), ErrorCode.ALIAS_TAKEN, alias.kind().wire() + " alias is taken by another device"));
                    return;
                }
            }
            boolean fresh = d == null;
            boolean aliasesChanged = fresh || !d.aliases.equals(r.aliases());
            if (fresh || aliasesChanged) {
                try {
                    store.bind(r.deviceId(), r.publicKey(), fresh ? now : d.createdAt, now, codec.encodeNetwork(r.network()), r.aliases());
                } catch (SQLException e) {
                    LOG.error("cannot store registration of {}: {}", r.deviceId(), e.toString());
                    stats.registration("internal");
                    c.sendAndClose(new Message.Error(r.rid(), ErrorCode.INTERNAL, "registry unavailable"));
                    return;
                }
            }
            if (fresh) {
                d = new Device(r.deviceId(), r.publicKey(), now, r.aliases());
                devices.put(d.id, d);
                LOG.info("device {} bound to its key (first registration)", d.id);
            } else if (aliasesChanged) {
                d.aliases.identities().forEach(aliasIndex::remove);
            }
            d.aliases = r.aliases();
            for (Identity alias : d.aliases.identities()) {
                aliasIndex.put(alias, d.id);
            }
            d.network = r.network();
            d.lastSeen = now;
            c.deviceId = d.id;
            replaced = online.put(d.id, c);
            MappingMonitor mon = monitor;
            if (mon != null) {
                mon.report(d.id, c.ip, d.network.mappings()); // lock order: broker, then monitor
            }
            if (!fresh && !aliasesChanged) {
                store.touchAsync(d.id, now, codec.encodeNetwork(d.network));
            }
        }
        if (replaced != null && replaced != c) {
            synchronized (this) {
                replaced.deviceId = null;
            }
            replaced.sendAndClose(new Message.Error(null, ErrorCode.REPLACED, "another connection registered as this device"));
        }
        stats.registration("ok");
        c.send(new Message.Registered(r.rid(), r.deviceId(), config.heartbeat().toMillis(), stun,
                relayGrants.apply(r.deviceId()).orElse(null), now));
        registeredListener.accept(r.deviceId());
    }

    /** Told of every registration, after the device has its {@code registered} (on the event loop: don't block). */
    public void onRegistered(java.util.function.Consumer<DeviceId> listener) {
        this.registeredListener = java.util.Objects.requireNonNull(listener);
    }

    private static boolean tokenMatches(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private synchronized boolean allowRegistration(InetAddress ip) {
        long minute = clock.getAsLong() / 60_000;
        if (minute != registrationWindow) {
            registrations.clear();
            registrationWindow = minute;
        }
        int[] n = registrations.computeIfAbsent(ip, k -> new int[1]);
        return ++n[0] <= config.limits().registrationsPerIpPerMinute();
    }

    private void update(Conn c, Message.Update u) {
        long now = clock.getAsLong();
        synchronized (this) {
            Device d = devices.get(c.deviceId);
            d.network = u.network();
            d.lastSeen = now;
            store.touchAsync(d.id, now, codec.encodeNetwork(d.network));
            MappingMonitor mon = monitor;
            if (mon != null) {
                mon.report(d.id, c.ip, d.network.mappings());
            }
        }
        c.send(new Message.Ok(u.rid()));
    }

    // ---- brokering ------------------------------------------------------------------------

    private void connect(Conn c, Message.Connect x) {
        long now = clock.getAsLong();
        Conn target;
        Message.Incoming incoming;
        stats.connectRequested();
        synchronized (this) {
            DeviceId targetId = resolve(x.target());
            if (targetId == null) {
                stats.connect("failed");
                refuse(c, x.rid(), ErrorCode.UNKNOWN_TARGET, "no device " + x.target());
                return;
            }
            if (targetId.equals(c.deviceId)) {
                stats.connect("failed");
                refuse(c, x.rid(), ErrorCode.SELF, "a device cannot connect to itself");
                return;
            }
            target = online.get(targetId);
            if (target == null) {
                stats.connect("failed");
                c.send(new Message.Error(x.rid(), ErrorCode.OFFLINE, targetId + " is offline"));
                return;
            }
            if (sessions.containsKey(x.session())) {
                stats.connect("failed");
                refuse(c, x.rid(), ErrorCode.SESSION_EXISTS, "session id in use; pick another");
                return;
            }
            int mine = initiated.getOrDefault(c.deviceId, 0);
            if (mine >= config.limits().maxSessionsPerDevice()) {
                stats.connect("failed");
                c.send(new Message.Error(x.rid(), ErrorCode.TOO_MANY_SESSIONS, "at most " + config.limits().maxSessionsPerDevice() + " live sessions"));
                return;
            }
            Session s = new Session(x.session(), c.deviceId, targetId, x.rid(), x.offer(), now, now + config.answerTimeout().toMillis());
            sessions.put(s.id, s);
            initiated.put(c.deviceId, mine + 1);
            incoming = new Message.Incoming(s.id, devices.get(c.deviceId).ref(), x.offer());
        }
        target.send(incoming);
    }

    private DeviceId resolve(Identity id) {
        if (id.kind() == Identity.Kind.DEVICE) {
            DeviceId d = DeviceId.of(id.value());
            return devices.containsKey(d) ? d : null;
        }
        return aliasIndex.get(id);
    }

    private void answer(Conn c, Message.Answer a) {
        Conn initiator;
        Message.Answered answered;
        synchronized (this) {
            Session s = sessions.get(a.session());
            if (s == null || !c.deviceId.equals(s.target)) {
                refuse(c, a.rid(), ErrorCode.NO_SESSION, "no session " + a.session() + " offered to this device");
                return;
            }
            if (s.answered) {
                refuse(c, a.rid(), ErrorCode.INVALID, "session already answered");
                return;
            }
            s.answered = true;
            s.lastActivity = clock.getAsLong();
            initiator = online.get(s.initiator);
            if (initiator == null || !a.accept()) {
                remove(s);
            }
            if (initiator == null) {
                stats.connect("failed");
                c.send(new Message.Error(a.rid(), ErrorCode.OFFLINE, s.initiator + " went offline"));
                return;
            }
            stats.connect(a.accept() ? "accepted" : "rejected");
            answered = new Message.Answered(s.connectRid, s.id, devices.get(c.deviceId).ref(), a.accept(), a.answer(), a.reason());
        }
        initiator.send(answered);
        c.send(new Message.Ok(a.rid()));
    }

    private void signal(Conn c, Message.Signal s) {
        Conn peer;
        synchronized (this) {
            Session session = sessions.get(s.session());
            DeviceId other = session == null ? null : session.other(c.deviceId);
            if (other == null || s.to() == null || !other.equals(s.to())) {
                refuse(c, s.rid(), ErrorCode.NO_SESSION, "signals go only to the other device of a brokered session");
                return;
            }
            peer = online.get(other);
            if (peer == null) {
                c.send(new Message.Error(s.rid(), ErrorCode.OFFLINE, other + " is offline"));
                return;
            }
            session.lastActivity = clock.getAsLong();
        }
        peer.send(new Message.Signal(null, s.session(), null, c.deviceId, s.data()));
        if (s.rid() != null) {
            c.send(new Message.Ok(s.rid()));
        }
    }

    private synchronized List<Message.PendingItem> pending(DeviceId me) {
        List<Message.PendingItem> items = new ArrayList<>();
        for (Session s : sessions.values()) {
            if (s.target.equals(me) && !s.answered && items.size() < MAX_PENDING_ITEMS) {
                items.add(new Message.PendingItem(s.id, devices.get(s.initiator).ref(), s.offer, s.answerDeadline));
            }
        }
        return items;
    }

    private void remove(Session s) {
        sessions.remove(s.id);
        initiated.computeIfPresent(s.initiator, (k, n) -> n <= 1 ? null : n - 1);
    }

    // ---- lifecycle ------------------------------------------------------------------------

    public void onClose(Conn c) {
        long now = clock.getAsLong();
        synchronized (this) {
            if (c.deviceId != null && online.get(c.deviceId) == c) {
                online.remove(c.deviceId);
                MappingMonitor mon = monitor;
                if (mon != null) {
                    mon.deviceGone(c.deviceId);
                }
                ShareService sh = share;
                if (sh != null) {
                    sh.deviceOffline(c.deviceId);
                }
                Device d = devices.get(c.deviceId);
                d.lastSeen = now;
                store.touchAsync(d.id, now, codec.encodeNetwork(d.network));
            }
        }
    }

    /** Expires sessions: unanswered past their deadline (the initiator hears {@code timeout}), idle ones silently. */
    public void sweep() {
        long now = clock.getAsLong();
        List<Map.Entry<Conn, Message>> notices = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
                Session s = it.next();
                boolean expired = s.answered ? now - s.lastActivity > config.sessionIdle().toMillis() : now > s.answerDeadline;
                if (expired) {
                    it.remove();
                    initiated.computeIfPresent(s.initiator, (k, n) -> n <= 1 ? null : n - 1);
                    Conn init = online.get(s.initiator);
                    if (!s.answered) {
                        stats.connect("failed");
                    }
                    if (!s.answered && init != null) {
                        notices.add(Map.entry(init, new Message.Error(s.connectRid, ErrorCode.TIMEOUT, s.target + " did not answer")));
                    }
                }
            }
        }
        notices.forEach(e -> e.getKey().send(e.getValue()));
    }

    /** Snapshot of live connections, for shutdown. */
    public synchronized List<Conn> connections() {
        return new ArrayList<>(online.values());
    }
}
