package dev.peerlink.turn.server.internal;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.attribute.AlternateServer;
import dev.peerlink.stun.attribute.UnknownAttributes;
import dev.peerlink.stun.attribute.XorMappedAddress;
import dev.peerlink.turn.TurnAttributeType;
import dev.peerlink.turn.TurnErrors;
import dev.peerlink.turn.attribute.AddressErrorCode;
import dev.peerlink.turn.attribute.EvenPort;
import dev.peerlink.turn.attribute.Lifetime;
import dev.peerlink.turn.attribute.RequestedAddressFamily;
import dev.peerlink.turn.attribute.RequestedTransport;
import dev.peerlink.turn.attribute.ReservationToken;
import dev.peerlink.turn.attribute.XorRelayedAddress;
import dev.peerlink.turn.server.Refusal;
import dev.peerlink.turn.server.TurnServerConfig;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Allocate and Refresh (RFC 8656 §7), expiry timers and deletion. */
final class AllocationService {
    private final TurnServerConfig config;
    private final AllocationTable table;
    private final Counters counters;
    private final RelayFamilies families;
    private final TurnTransport relayTransport;
    private final Reservations reservations;
    private final TcpRelayService tcp;
    private final long defaultLifetime;
    private final long maxLifetime;
    private final long sweepPeriod;
    private volatile boolean shutdown;

    AllocationService(TurnServerConfig config, TurnTransport transport, AllocationTable table, Counters counters,
                      DataPath data, TcpRelayService tcp) {
        this.config = config;
        this.tcp = tcp;
        this.table = table;
        this.counters = counters;
        this.relayTransport = transport;
        RelayPorts ports = new RelayPorts(config.minPort(), config.maxPort());
        this.families = new RelayFamilies(config.relayIps(), transport, ports, data);
        this.reservations = new Reservations(ports);
        this.defaultLifetime = config.defaultLifetime().toNanos();
        this.maxLifetime = config.maxLifetime().toNanos();
        long shortest = Math.min(config.permissionLifetime().toNanos(), config.channelLifetime().toNanos());
        // Expired permissions and channels are refused at use; the sweep only frees memory and fixes gauges.
        this.sweepPeriod = Math.clamp(shortest / 4, TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.SECONDS.toNanos(30));
    }

    void allocate(Request req) {
        Allocation existing = table.get(req.link.tuple);
        if (existing != null) {
            if (existing.allocateTransaction.equals(req.msg.transactionId())) {
                // A retransmission: repeat the answer (or let the pending bind send it).
                if (existing.allocateResponse != null) {
                    req.reply(existing.allocateResponse.clone());
                }
                return;
            }
            req.fail(TurnErrors.ALLOCATION_MISMATCH, Refusal.ALLOCATION_MISMATCH);
            return;
        }
        Optional<RequestedTransport> transport = req.msg.attribute(RequestedTransport.class);
        if (transport.isEmpty()) {
            req.fail(TurnErrors.BAD_REQUEST, Refusal.BAD_REQUEST);
            return;
        }
        boolean tcpRelay = transport.get().protocol() == RequestedTransport.TCP;
        if (transport.get().protocol() != RequestedTransport.UDP && !tcpRelay) {
            req.fail(TurnErrors.UNSUPPORTED_TRANSPORT_PROTOCOL, Refusal.UNSUPPORTED_TRANSPORT);
            return;
        }
        if (tcpRelay && !TcpRelayService.acceptsAllocate(req)) {
            return;
        }
        Optional<EvenPort> even = req.msg.attribute(EvenPort.class);
        Optional<RequestedAddressFamily> family = req.all(RequestedAddressFamily.class).stream()
                .filter(f -> !f.additional()).findFirst();
        Optional<RequestedAddressFamily> additional = req.all(RequestedAddressFamily.class).stream()
                .filter(RequestedAddressFamily::additional).findFirst();
        Optional<ReservationToken> token = req.msg.attribute(ReservationToken.class);
        if (token.isPresent() && (even.isPresent() || family.isPresent() || additional.isPresent())
                || additional.isPresent() && (additional.get().family() == RequestedAddressFamily.IPV4 || family.isPresent())) {
            req.fail(TurnErrors.BAD_REQUEST, Refusal.BAD_REQUEST);
            return;
        }
        if (token.isEmpty() && shedLoad()) {
            // A token's port is here, so only new allocations are sent on.
            req.fail(TurnErrors.TRY_ALTERNATE, Refusal.REDIRECTED,
                    List.of(new AlternateServer(config.alternateServer().orElseThrow())));
            return;
        }
        // A token names its port and with it the family the reservation was made in.
        InetAddress reservedIp = token.map(t -> reservations.ip(t.token())).orElse(null);
        int wanted = reservedIp != null ? RelayFamilies.of(reservedIp)
                : family.map(RequestedAddressFamily::family).orElse(RequestedAddressFamily.IPV4);
        RelayFamilies.Plan plan = families.plan(wanted, additional.isPresent(), !tcpRelay);
        if (plan == null) {
            req.fail(TurnErrors.ADDRESS_FAMILY_NOT_SUPPORTED, Refusal.ADDRESS_FAMILY);
            return;
        }
        long lifetime = lifetime(req.msg.attribute(Lifetime.class));
        Allocation a = new Allocation(req.link.tuple, req.link, req.auth.username(), req.auth.quotaUser(),
                req.msg.transactionId(), TokenBucket.ofOrNull(config.bandwidthBytesPerSecond(),
                config.bandwidthBurstBytes(), req.now), counters);
        Refusal refused = table.admit(a);
        if (refused != null) {
            switch (refused) {
                case USER_QUOTA -> req.fail(TurnErrors.ALLOCATION_QUOTA_REACHED, refused);
                case CAPACITY -> req.fail(TurnErrors.INSUFFICIENT_CAPACITY, refused);
                default -> req.fail(TurnErrors.ALLOCATION_MISMATCH, refused);
            }
            return;
        }
        Pending p = new Pending(req, a, plan, lifetime, req.msg.has(TurnAttributeType.DONT_FRAGMENT) && !tcpRelay);
        RelayBinder binder = families.binder(plan.primary());
        if (tcpRelay) {
            tcp.bind(a, families.ip(plan.primary()), relay -> activate(p, relay, null, null));
        } else if (token.isPresent()) {
            // Unknown or expired (30 s) tokens: 508, as for a port we cannot give (RFC 8656 §7.2).
            binder.bindReserved(a, reservations.take(token.get().token()), relay -> activate(p, relay, null, null));
        } else if (even.isPresent() && even.get().reserveNext()) {
            binder.bindPair(a, pair -> bindSecond(p, pair == null ? null : pair.relay(),
                    pair == null ? null : pair.placeholder(), even.isPresent()));
        } else {
            binder.bind(a, even.isPresent(), relay -> bindSecond(p, relay, null, even.isPresent()));
        }
    }

    /** An Allocate whose relayed sockets are being bound. */
    private record Pending(Request req, Allocation a, RelayFamilies.Plan plan, long lifetime, boolean dontFragment) {}

    /** The primary socket is bound (or not): binds the second family's of a dual allocation, then activates. */
    private void bindSecond(Pending p, Channel relay, Channel placeholder, boolean evenPort) {
        if (relay == null || p.plan.second() == 0 || p.a.state != Allocation.State.PENDING || shutdown) {
            activate(p, relay, null, placeholder);
            return;
        }
        families.binder(p.plan.second()).bind(p.a, evenPort, relay2 -> activate(p, relay, relay2, placeholder));
    }

    private void discard(Allocation a, Channel placeholder) {
        if (placeholder != null) {
            reservations.discard(new Reservations.Reserved(a.port + 1, placeholder));
        }
    }

    private boolean shedLoad() {
        return config.alternateServer().isPresent() && counters.allocationsActive.sum() >= config.alternateThreshold();
    }

    /**
     * Completes an Allocate once its relayed socket is bound ({@code relay} null: none could be had).
     * {@code placeholder}: the socket holding the next port for EVEN-PORT's R bit, turned into a
     * reservation here.
     */
    private void activate(Pending p, Channel relay, Channel relay2, Channel placeholder) {
        Request req = p.req;
        Allocation a = p.a;
        if (relay == null) {
            table.remove(a);
            a.close();
            req.fail(TurnErrors.INSUFFICIENT_CAPACITY, Refusal.CAPACITY);
            return;
        }
        a.port = ((InetSocketAddress) relay.localAddress()).getPort();
        if (a.state != Allocation.State.PENDING || shutdown) {
            relay.close(); // the client's TCP connection closed, or the server stopped, while we bound
            if (relay2 != null) {
                relay2.close();
            }
            discard(a, placeholder);
            return;
        }
        if (p.dontFragment && !(relayTransport.setDontFragment(relay)
                && (relay2 == null || relayTransport.setDontFragment(relay2)))) {
            // RFC 8656 §7.2: a server that cannot set DF treats DONT-FRAGMENT as unknown.
            relay.close();
            if (relay2 != null) {
                relay2.close();
            }
            discard(a, placeholder);
            table.remove(a);
            a.close();
            req.fail(TurnErrors.UNKNOWN_ATTRIBUTE, Refusal.UNKNOWN_ATTRIBUTE,
                    List.of(new UnknownAttributes(List.of(TurnAttributeType.DONT_FRAGMENT))));
            return;
        }
        a.relay = relay;
        a.relayed = new InetSocketAddress(families.ip(p.plan.primary()), a.port);
        List<StunAttribute> attributes = new ArrayList<>(List.of(new XorRelayedAddress(a.relayed)));
        if (relay2 != null) {
            a.relay2 = relay2;
            a.relayed2 = new InetSocketAddress(families.ip(p.plan.second()),
                    ((InetSocketAddress) relay2.localAddress()).getPort());
            attributes.add(new XorRelayedAddress(a.relayed2));
        }
        long lifetime = p.lifetime;
        a.state = Allocation.State.ACTIVE;
        if (a.tcpRelay == null) {
            table.relayedLive(a);
        }
        counters.allocationsCreated.increment();
        counters.allocationsActive.increment();
        long now = System.nanoTime();
        extend(a, now, lifetime);
        a.sweepTimer = a.link.eventLoop().scheduleAtFixedRate(() -> a.sweep(System.nanoTime()),
                sweepPeriod, sweepPeriod, TimeUnit.NANOSECONDS);
        attributes.add(new Lifetime(seconds(lifetime)));
        attributes.add(new XorMappedAddress(a.tuple.client()));
        if (placeholder != null) {
            attributes.add(new ReservationToken(reservations.reserve(a.port + 1, placeholder)));
        }
        attributes.addAll(p.plan.errors());
        if (p.plan.second() != 0 && relay2 == null) {
            // The second family had no free port: the first is still given (RFC 8656 §7.2).
            attributes.add(new AddressErrorCode(p.plan.second(), TurnErrors.INSUFFICIENT_CAPACITY,
                    TurnErrors.reason(TurnErrors.INSUFFICIENT_CAPACITY)));
        }
        a.allocateResponse = Replies.success(req.msg, req.auth.protection(), attributes.toArray(StunAttribute[]::new));
        req.reply(a.allocateResponse.clone());
    }

    void refresh(Request req) {
        Allocation a = owned(req);
        if (a == null) {
            return;
        }
        Optional<RequestedAddressFamily> family = req.all(RequestedAddressFamily.class).stream()
                .filter(f -> !f.additional()).findFirst();
        if (family.isPresent() && !a.hasFamily(family.get().family())) {
            req.fail(TurnErrors.PEER_ADDRESS_FAMILY_MISMATCH, Refusal.ADDRESS_FAMILY);
            return;
        }
        Optional<Lifetime> requested = req.msg.attribute(Lifetime.class);
        if (requested.isPresent() && requested.get().seconds() == 0) {
            // With a family named, only that relayed address goes while the allocation holds another (§8).
            InetSocketAddress[] before = {a.relayed, a.relayed2};
            if (family.isEmpty() || !a.dropFamily(family.get().family())) {
                delete(a);
            } else {
                for (InetSocketAddress gone : before) {
                    if (gone != null && !gone.equals(a.relayed)) {
                        table.forget(gone);
                    }
                }
            }
            req.succeed(new Lifetime(0));
            return;
        }
        long lifetime = lifetime(requested);
        extend(a, req.now, lifetime);
        req.succeed(new Lifetime(seconds(lifetime)));
    }

    /** The active allocation on the request's 5-tuple, if its owner signed the request; else answers 437 or 441. */
    Allocation owned(Request req) {
        Allocation a = table.get(req.link.tuple);
        if (a == null || !a.isActive()) {
            req.fail(TurnErrors.ALLOCATION_MISMATCH, Refusal.ALLOCATION_MISMATCH);
            return null;
        }
        if (!a.username.equals(req.auth.username())) {
            req.fail(TurnErrors.WRONG_CREDENTIALS, Refusal.WRONG_CREDENTIALS);
            return null;
        }
        return a;
    }

    /**
     * RFC 8656 §7.2: min(requested, maximum), but never below the default. Refresh uses the same rule,
     * so a client cannot shrink its allocation below the default except by deleting it.
     */
    private long lifetime(Optional<Lifetime> requested) {
        if (requested.isEmpty()) {
            return defaultLifetime;
        }
        long asked = TimeUnit.SECONDS.toNanos(Math.min(requested.get().seconds(), 1L << 32));
        return Math.max(defaultLifetime, Math.min(asked, maxLifetime));
    }

    private static long seconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }

    private void extend(Allocation a, long now, long lifetime) {
        a.expiresAt = now + lifetime;
        if (a.expiryTimer != null) {
            a.expiryTimer.cancel(false);
        }
        a.expiryTimer = a.link.eventLoop().schedule(() -> expire(a), lifetime, TimeUnit.NANOSECONDS);
    }

    private void expire(Allocation a) {
        if (a.isActive() && System.nanoTime() - a.expiresAt >= 0) {
            counters.allocationsExpired.increment();
            delete(a);
        }
    }

    /** Removes {@code a} from the table and closes it. Safe to call twice. */
    void delete(Allocation a) {
        boolean wasActive = a.isActive();
        table.remove(a);
        a.close();
        if (wasActive) {
            counters.allocationsActive.decrement();
        }
    }

    void shutdown() {
        shutdown = true;
        reservations.closeAll();
        for (Allocation a : table.snapshot()) {
            a.link.eventLoop().execute(() -> delete(a));
        }
    }
}
