package dev.peerlink.server.signal.internal;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.server.cluster.ClusterMessage;
import dev.peerlink.server.signal.LadderReports;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.server.signal.SignalStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connect brokering: sessions, session-confined signal relay, the pending list and ladder reports. A target on
 * another instance gets the offer through the bus and that instance keeps a mirror of the session (see
 * {@link Session}), so its answer and signals are checked locally. State is guarded by this object's lock.
 */
final class Sessions {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    private static final int MAX_PENDING_ITEMS = 64;

    /** How a refusal counts against the connection (the broker's protocol-error budget). */
    interface Refuser {
        void refuse(Conn c, String rid, String code, String message);
    }

    private final SignalServerConfig config;
    private final DeviceCache cache;
    private final Routes routes;
    private final SignallingCodec codec;
    private final LongSupplier clock;
    private final SignalStats stats;
    private final Refuser refuser;
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<DeviceId, Integer> initiated = new HashMap<>();
    volatile LadderReports ladderReports;

    Sessions(SignalServerConfig config, DeviceCache cache, Routes routes, SignallingCodec codec, LongSupplier clock,
             SignalStats stats, Refuser refuser) {
        this.config = config;
        this.cache = cache;
        this.routes = routes;
        this.codec = codec;
        this.clock = clock;
        this.stats = stats;
        this.refuser = refuser;
    }

    synchronized int count() {
        return sessions.size();
    }

    void connect(Conn c, DeviceId me, Message.Connect x) {
        stats.connectRequested();
        DeviceId targetId;
        try {
            targetId = cache.resolve(x.target());
        } catch (DeviceCache.Unavailable e) {
            stats.connect("failed");
            c.send(new Message.Error(x.rid(), ErrorCode.REGISTRY_UNAVAILABLE, "registry unavailable"));
            return;
        }
        if (targetId == null) {
            stats.connect("failed");
            refuser.refuse(c, x.rid(), ErrorCode.UNKNOWN_TARGET, "no device " + x.target());
            return;
        }
        if (targetId.equals(me)) {
            stats.connect("failed");
            refuser.refuse(c, x.rid(), ErrorCode.SELF, "a device cannot connect to itself");
            return;
        }
        Conn target = routes.local(targetId);
        if (target != null || !routes.clustered()) {
            open(c, me, x, targetId, target, null);
            return;
        }
        routes.locate(targetId).whenComplete((instance, e) -> {
            if (e != null) {
                LOG.warn("presence lookup of {} failed: {}", targetId, e.toString());
            }
            try {
                open(c, me, x, targetId, null, e == null ? instance : null); // unreachable presence: offline
            } catch (RuntimeException failure) { // on the Redis client's thread: nobody else would answer the device
                LOG.error("connect {} -> {} failed", me, targetId, failure);
                c.send(new Message.Error(x.rid(), ErrorCode.INTERNAL, "connect failed"));
            }
        });
    }

    /** Opens the session to a target connected here ({@code target}) or on {@code instance}; neither: offline. */
    private void open(Conn c, DeviceId me, Message.Connect x, DeviceId targetId, Conn target, String instance) {
        long now = clock.getAsLong();
        Session s;
        synchronized (this) {
            String refusal = null;
            String code = null;
            int mine = initiated.getOrDefault(me, 0);
            if (target == null && instance == null) {
                code = ErrorCode.OFFLINE;
                refusal = targetId + " is offline";
            } else if (sessions.containsKey(x.session())) {
                stats.connect("failed");
                refuser.refuse(c, x.rid(), ErrorCode.SESSION_EXISTS, "session id in use; pick another");
                return;
            } else if (mine >= config.limits().maxSessionsPerDevice()) {
                code = ErrorCode.TOO_MANY_SESSIONS;
                refusal = "at most " + config.limits().maxSessionsPerDevice() + " live sessions";
            }
            if (refusal != null) {
                stats.connect("failed");
                c.send(new Message.Error(x.rid(), code, refusal));
                return;
            }
            s = new Session(x.session(), cache.cached(me).ref(), targetId, x.rid(), x.offer(), now,
                    now + config.answerTimeout().toMillis(), instance, false);
            sessions.put(s.id, s);
            initiated.put(me, mine + 1);
        }
        Message.Incoming incoming = new Message.Incoming(s.id, s.initiatorRef, x.offer());
        if (target != null) {
            target.send(incoming);
        } else {
            routes.publish(instance, new ClusterMessage(ClusterMessage.Kind.OFFER, routes.instanceId(), targetId.value(), s.id,
                    s.connectRid, s.answerDeadline, codec.encode(incoming)));
        }
    }

    void answer(Conn c, DeviceId me, Message.Answer a) {
        Conn initiator;
        Message.Answered answered;
        String forwardTo = null;
        DeviceId initiatorId;
        synchronized (this) {
            Session s = sessions.get(a.session());
            if (s == null || !me.equals(s.target)) {
                refuser.refuse(c, a.rid(), ErrorCode.NO_SESSION, "no session " + a.session() + " offered to this device");
                return;
            }
            if (s.answered) {
                refuser.refuse(c, a.rid(), ErrorCode.INVALID, "session already answered");
                return;
            }
            s.answered = true;
            s.lastActivity = clock.getAsLong();
            initiatorId = s.initiator;
            initiator = routes.local(s.initiator);
            if (initiator == null) {
                forwardTo = s.peerInstance;
            }
            if ((initiator == null && forwardTo == null) || !a.accept()) {
                remove(s);
            }
            if (initiator == null && forwardTo == null) {
                stats.connect("failed");
                c.send(new Message.Error(a.rid(), ErrorCode.OFFLINE, s.initiator + " went offline"));
                return;
            }
            if (!s.mirror) {
                stats.connect(a.accept() ? "accepted" : "rejected"); // counted once, where the connect was asked
            }
            answered = new Message.Answered(s.connectRid, s.id, cache.cached(me).ref(), a.accept(), a.answer(), a.reason());
        }
        if (initiator != null) {
            initiator.send(answered);
        } else {
            routes.publish(forwardTo, new ClusterMessage(ClusterMessage.Kind.ANSWERED, routes.instanceId(), initiatorId.value(),
                    answered.session(), null, 0, codec.encode(answered)));
        }
        c.send(new Message.Ok(a.rid()));
    }

    void signal(Conn c, DeviceId me, Message.Signal s) {
        Conn peer;
        String forwardTo = null;
        DeviceId other;
        synchronized (this) {
            Session session = sessions.get(s.session());
            other = session == null ? null : session.other(me);
            if (other == null || s.to() == null || !other.equals(s.to())) {
                refuser.refuse(c, s.rid(), ErrorCode.NO_SESSION, "signals go only to the other device of a brokered session");
                return;
            }
            peer = routes.local(other);
            if (peer == null) {
                forwardTo = session.peerInstance;
            }
            if (peer == null && forwardTo == null) {
                c.send(new Message.Error(s.rid(), ErrorCode.OFFLINE, other + " is offline"));
                return;
            }
            session.lastActivity = clock.getAsLong();
        }
        Message.Signal relayed = new Message.Signal(null, s.session(), null, me, s.data());
        if (peer != null) {
            peer.send(relayed);
        } else {
            routes.publish(forwardTo, ClusterMessage.deliver(routes.instanceId(), other.value(), s.session(), codec.encode(relayed)));
        }
        if (s.rid() != null) {
            c.send(new Message.Ok(s.rid()));
        }
    }

    /**
     * Counts a ladder report once: only for a session this server brokered and the target accepted, only from its
     * initiator (who measured the whole setup; counting both ends would count each connection twice), only once.
     * Unknown sessions and other devices' sessions get {@code no-session}, as for signals.
     */
    void ladderReport(Conn c, DeviceId me, Message.LadderReport r) {
        LadderReports counts = ladderReports;
        String refusal = null;
        String code = ErrorCode.BAD_REPORT;
        synchronized (this) {
            Session s = sessions.get(r.session());
            if (s == null || s.other(me) == null) {
                code = ErrorCode.NO_SESSION;
                refusal = "no session " + r.session() + " of this device";
            } else if (!me.equals(s.initiator)) {
                refusal = "only the initiator of a session reports its ladder";
            } else if (!s.answered) {
                refusal = "session not answered yet";
            } else if (s.reported) {
                refusal = "session already reported";
            } else {
                s.reported = true;
            }
        }
        if (refusal != null) {
            if (counts != null) {
                counts.recordRejected();
            }
            refuser.refuse(c, r.rid(), code, refusal);
            return;
        }
        if (counts != null) {
            if (Message.LadderReport.CONNECTED.equals(r.outcome())) {
                counts.connected(r.path(), r.setupMs());
            } else {
                counts.failed(r.reason());
            }
        }
        LOG.debug("ladder report from {}: {} {} in {} ms", me, r.outcome(), r.path() == null ? r.reason() : r.path(), r.setupMs());
        if (r.rid() != null) {
            c.send(new Message.Ok(r.rid()));
        }
    }

    synchronized List<Message.PendingItem> pending(DeviceId me) {
        List<Message.PendingItem> items = new ArrayList<>();
        for (Session s : sessions.values()) {
            if (s.target.equals(me) && !s.answered && items.size() < MAX_PENDING_ITEMS) {
                items.add(new Message.PendingItem(s.id, s.initiatorRef, s.offer, s.answerDeadline));
            }
        }
        return items;
    }

    private void remove(Session s) {
        sessions.remove(s.id);
        if (!s.mirror) {
            initiated.computeIfPresent(s.initiator, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Expires sessions: unanswered past their deadline (the initiator hears {@code timeout}), idle ones silently. */
    void sweep() {
        long now = clock.getAsLong();
        List<Map.Entry<Conn, Message>> notices = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
                Session s = it.next();
                boolean expired = s.answered ? now - s.lastActivity > config.sessionIdle().toMillis() : now > s.answerDeadline;
                if (!expired) {
                    continue;
                }
                it.remove();
                if (s.mirror) {
                    continue; // the initiator's instance tells it
                }
                initiated.computeIfPresent(s.initiator, (k, n) -> n <= 1 ? null : n - 1);
                if (!s.answered) {
                    stats.connect("failed");
                    Conn init = routes.local(s.initiator);
                    if (init != null) {
                        notices.add(Map.entry(init, new Message.Error(s.connectRid, ErrorCode.TIMEOUT, s.target + " did not answer")));
                    }
                }
            }
        }
        notices.forEach(e -> e.getKey().send(e.getValue()));
    }

    // ---- from other instances ---------------------------------------------------------------

    /** A message from another instance; {@code replaced} closes a local connection whose device registered there. */
    void onCluster(ClusterMessage m, Consumer<DeviceId> replaced) {
        DeviceId device = DeviceId.of(m.device());
        try {
            switch (m.kind()) {
                case REPLACED -> {
                    replaced.accept(device);
                    cache.invalidate(device); // re-registered there, perhaps with other aliases and network
                }
                case ALIASES -> cache.invalidate(device);
                case OFFER -> offered(m, device, (Message.Incoming) codec.decode(m.body()));
                case ANSWERED -> answered(device, m.session(), m.rid() == null, codec.decode(m.body()));
                case DELIVER -> {
                    if (m.session() != null) {
                        synchronized (this) {
                            Session s = sessions.get(m.session());
                            if (s != null) {
                                s.lastActivity = clock.getAsLong();
                            }
                        }
                    }
                    Conn c = routes.local(device);
                    if (c != null) {
                        c.send(codec.decode(m.body()));
                    }
                }
            }
        } catch (ProtocolException | ClassCastException e) {
            LOG.warn("unreadable {} from instance {}: {}", m.kind(), m.from(), e.toString());
        }
    }

    /** Mirrors a session offered from another instance and hands the target its {@code incoming}. */
    private void offered(ClusterMessage m, DeviceId target, Message.Incoming incoming) {
        Conn c = routes.local(target);
        String refusal = null;
        String code = ErrorCode.OFFLINE;
        synchronized (this) {
            if (c == null) {
                refusal = target + " is offline";
            } else if (sessions.containsKey(m.session())) {
                code = ErrorCode.SESSION_EXISTS;
                refusal = "session id in use; pick another";
            } else {
                sessions.put(m.session(), new Session(m.session(), incoming.from(), target, m.rid(), incoming.offer(),
                        clock.getAsLong(), m.deadline(), m.from(), true));
            }
        }
        if (refusal != null) {
            // An ANSWERED carrying an error code in its rid field: the connect failed here.
            routes.publish(m.from(), new ClusterMessage(ClusterMessage.Kind.ANSWERED, routes.instanceId(),
                    incoming.from().deviceId().value(), m.session(), code, 0, codec.encode(new Message.Error(m.rid(), code, refusal))));
            return;
        }
        c.send(incoming);
    }

    /**
     * The target answered on another instance ({@code reply} is its {@code answered}), or its instance could not
     * offer the session ({@code reply} is the error): settle the initiator's session and tell it.
     */
    private void answered(DeviceId initiator, String session, boolean offered, Message reply) {
        Conn c = routes.local(initiator);
        synchronized (this) {
            Session s = sessions.get(session);
            if (s == null || s.answered || s.mirror) {
                return;
            }
            s.answered = true;
            s.lastActivity = clock.getAsLong();
            boolean accepted = offered && reply instanceof Message.Answered a && a.accept();
            if (!accepted || c == null) {
                remove(s);
            }
            stats.connect(accepted ? "accepted" : offered ? "rejected" : "failed");
        }
        Message answered = reply;
        if (c != null) {
            c.send(answered);
        }
    }
}
