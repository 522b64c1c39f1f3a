package dev.peerlink.turn.client.internal;

import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.TransactionId;
import dev.peerlink.stun.attribute.XorMappedAddress;
import dev.peerlink.turn.ChannelData;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.attribute.ChannelNumber;
import dev.peerlink.turn.attribute.Data;
import dev.peerlink.turn.attribute.Lifetime;
import dev.peerlink.turn.attribute.RequestedAddressFamily;
import dev.peerlink.turn.attribute.RequestedTransport;
import dev.peerlink.turn.attribute.XorPeerAddress;
import dev.peerlink.turn.attribute.XorRelayedAddress;
import dev.peerlink.turn.client.AllocationMismatchException;
import dev.peerlink.turn.client.PeerDataHandler;
import dev.peerlink.turn.client.TryAlternateException;
import dev.peerlink.turn.client.TurnAllocation;
import dev.peerlink.turn.client.TurnException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One allocation's life (RFC 8656): the Allocate (following one 300 Try Alternate), permissions and channels, kept
 * alive on a scheduler until {@link #close}, and the data to and from peers. Setup calls and close are serialised;
 * the data path is not. Talking to the server is {@link ServerConnection}'s job.
 */
public final class AllocationSession implements ServerLink.Inbound, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AllocationSession.class);
    /** CreatePermission requests carry at most this many peers, to stay well inside one datagram. */
    private static final int PEERS_PER_PERMISSION_REQUEST = 32;

    /** What a session is built with ({@code TurnClient.Builder}'s settings). */
    public record Settings(InetSocketAddress server, TurnCredentials credentials, ServerConnection.Endpoint endpoint,
                           Duration requestedLifetime, int relayFamily, Duration permissionLifetime, Duration channelLifetime,
                           double refreshFraction, Duration closeTimeout, PeerDataHandler onData,
                           Consumer<TurnException> onFailure) {}

    private final Settings config;
    private final Counters counters = new Counters();
    private final ChannelNumbers channelNumbers = new ChannelNumbers();
    private final Set<InetAddress> permitted = ConcurrentHashMap.newKeySet();
    private final Map<InetSocketAddress, Integer> channelByPeer = new ConcurrentHashMap<>();
    private final Map<Integer, InetSocketAddress> peerByChannel = new ConcurrentHashMap<>();
    private final ServerConnection server;
    private final ScheduledExecutorService scheduler;
    private final RefreshLoop allocationLoop;
    private final RefreshLoop permissionLoop;
    private final RefreshLoop channelLoop;
    private final Object setupLock = new Object();
    private volatile TurnAllocation allocation;
    private volatile boolean failed;
    private volatile boolean closed;

    public AllocationSession(Settings config) throws IOException {
        this.config = config;
        this.server = new ServerConnection(config.endpoint(), config.server(), config.credentials(), counters, this);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "turn-refresh-" + server.localAddress().getPort());
            t.setDaemon(true);
            return t;
        });
        RefreshSchedule schedule = new RefreshSchedule(config.refreshFraction(), Duration.ofMillis(500));
        this.allocationLoop = new RefreshLoop("allocation", scheduler, schedule, this::refreshAllocation,
                counters.allocationRefreshes, counters.refreshFailures, this::allocationLost);
        this.permissionLoop = new RefreshLoop("permissions", scheduler, schedule, this::refreshPermissions,
                counters.permissionRefreshes, counters.refreshFailures, this::reportFailure);
        this.channelLoop = new RefreshLoop("channels", scheduler, schedule, this::refreshChannels,
                counters.channelRefreshes, counters.refreshFailures, this::reportFailure);
    }

    public TurnAllocation allocate() throws TurnException {
        synchronized (setupLock) {
            ensureOpen();
            if (allocation != null) {
                throw new IllegalStateException("already allocated: " + allocation.relayedAddress());
            }
            StunMessage r;
            try {
                r = requestAllocation();
            } catch (TryAlternateException e) {
                InetSocketAddress alternate = server.moveTo(e);
                log.debug("300 Try Alternate: allocating on {}", alternate);
                try {
                    r = requestAllocation();
                } catch (TryAlternateException again) {
                    throw new TryAlternateException("Allocate redirected again by " + alternate
                            + again.alternate().map(a -> " (to " + a + ")").orElse("")
                            + "; not followed: one redirect per allocation", again.alternate().orElse(null));
                }
            }
            InetSocketAddress relayed = r.attribute(XorRelayedAddress.class).map(XorRelayedAddress::address)
                    .orElseThrow(() -> new TurnException("Allocate success without XOR-RELAYED-ADDRESS", 0));
            InetSocketAddress mapped = r.attribute(XorMappedAddress.class).map(XorMappedAddress::address)
                    .orElseThrow(() -> new TurnException("Allocate success without XOR-MAPPED-ADDRESS", 0));
            TurnAllocation a = new TurnAllocation(relayed, mapped, grantedLifetime(r));
            allocation = a;
            allocationLoop.start(a.lifetime());
            return a;
        }
    }

    public void createPermission(InetAddress... peers) throws TurnException {
        synchronized (setupLock) {
            ensureAllocated();
            List<InetAddress> fresh = List.of(peers);
            createPermissions(fresh);
            permitted.addAll(fresh);
            if (!permissionLoop.running()) {
                permissionLoop.start(config.permissionLifetime());
            }
        }
    }

    public int bindChannel(InetSocketAddress peer) throws TurnException {
        synchronized (setupLock) {
            ensureAllocated();
            Integer existing = channelByPeer.get(peer);
            if (existing != null) {
                return existing;
            }
            int number = channelNumbers.reserve(peer);
            peerByChannel.put(number, peer); // before the response: the server may relay right after binding
            try {
                channelBind(number, peer);
            } catch (TurnException | RuntimeException e) {
                peerByChannel.remove(number);
                channelNumbers.abandon(number);
                throw e;
            }
            channelByPeer.put(peer, number);
            permitted.add(peer.getAddress()); // ChannelBind installed it; refresh it with the rest
            if (!permissionLoop.running()) {
                permissionLoop.start(config.permissionLifetime());
            }
            if (!channelLoop.running()) {
                channelLoop.start(config.channelLifetime());
            }
            return number;
        }
    }

    /** ChannelData when a channel is bound to the peer, else a Send indication (which needs a permission). */
    public void send(InetSocketAddress peer, byte[] data) throws IOException {
        ensureOpen();
        Integer channel = channelByPeer.get(peer);
        byte[] wire;
        if (channel != null) {
            wire = new ChannelData(channel, data).encode(server.streamOriented());
        } else {
            if (!permitted.contains(peer.getAddress())) {
                throw new IllegalStateException("no permission for " + peer.getAddress()
                        + "; call createPermission or bindChannel first");
            }
            StunMessage indication = StunMessage.builder(StunMethod.SEND, StunClass.INDICATION, TransactionId.random())
                    .add(new XorPeerAddress(peer)).add(new Data(data)).build();
            wire = StunEncoder.standard().encode(indication);
        }
        server.send(wire);
        counters.packetsSent.increment();
    }

    public ServerConnection server() {
        return server;
    }

    public Optional<InetSocketAddress> peerOnChannel(int channel) {
        return Optional.ofNullable(peerByChannel.get(channel));
    }

    public Optional<TurnAllocation> allocation() {
        return Optional.ofNullable(allocation);
    }

    public Optional<Integer> channel(InetSocketAddress peer) {
        return Optional.ofNullable(channelByPeer.get(peer));
    }

    public Counters counters() {
        return counters;
    }

    /** Stops refreshing, deletes the allocation (waiting at most the close timeout) and closes the link. */
    @Override
    public void close() {
        synchronized (setupLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        allocationLoop.stop();
        permissionLoop.stop();
        channelLoop.stop();
        scheduler.shutdownNow();
        if (allocation != null && !failed) {
            try {
                server.run(StunMethod.REFRESH, b -> b.add(new Lifetime(0)), config.closeTimeout());
            } catch (AllocationMismatchException e) {
                // already gone (expired, or a retransmitted delete found nothing): what we wanted
            } catch (TurnException e) {
                log.debug("deallocation on {} failed; the server will expire it: {}", server.server(), e.toString());
            }
        }
        server.close();
    }

    private StunMessage requestAllocation() throws TurnException {
        return server.run(StunMethod.ALLOCATE, b -> {
            b.add(new RequestedTransport(RequestedTransport.UDP));
            if (config.relayFamily() != RequestedAddressFamily.IPV4) {
                b.add(new RequestedAddressFamily(config.relayFamily(), false));
            }
            if (config.requestedLifetime() != null) {
                b.add(new Lifetime(config.requestedLifetime().toSeconds()));
            }
        });
    }

    private Duration refreshAllocation() throws TurnException {
        StunMessage r = server.run(StunMethod.REFRESH, b -> {
            if (config.requestedLifetime() != null) {
                b.add(new Lifetime(config.requestedLifetime().toSeconds()));
            }
        });
        return grantedLifetime(r);
    }

    private Duration refreshPermissions() throws TurnException {
        createPermissions(List.copyOf(permitted));
        return config.permissionLifetime();
    }

    private Duration refreshChannels() throws TurnException {
        for (Map.Entry<InetSocketAddress, Integer> e : Map.copyOf(channelByPeer).entrySet()) {
            channelBind(e.getValue(), e.getKey());
        }
        return config.channelLifetime();
    }

    private void createPermissions(List<InetAddress> peers) throws TurnException {
        for (int i = 0; i < peers.size(); i += PEERS_PER_PERMISSION_REQUEST) {
            List<InetAddress> batch = peers.subList(i, Math.min(peers.size(), i + PEERS_PER_PERMISSION_REQUEST));
            server.run(StunMethod.CREATE_PERMISSION, b -> {
                for (InetAddress ip : batch) {
                    b.add(new XorPeerAddress(new InetSocketAddress(ip, 0))); // the port is ignored
                }
            });
        }
    }

    private void channelBind(int number, InetSocketAddress peer) throws TurnException {
        server.run(StunMethod.CHANNEL_BIND, b -> b.add(new ChannelNumber(number)).add(new XorPeerAddress(peer)));
    }

    private Duration grantedLifetime(StunMessage response) {
        // RFC 8656 requires LIFETIME in Allocate and Refresh successes; assume the default if a server forgets.
        return Duration.ofSeconds(response.attribute(Lifetime.class).map(Lifetime::seconds).orElse(600L));
    }

    @Override
    public void indication(StunMessage m) {
        if (m.method().equals(StunMethod.DATA)) {
            var peer = m.attribute(XorPeerAddress.class);
            var data = m.attribute(Data.class);
            if (peer.isPresent() && data.isPresent()) {
                deliver(peer.get().address(), data.get().value());
            }
        }
    }

    @Override
    public void channelData(ChannelData d) {
        InetSocketAddress peer = peerByChannel.get(d.channel());
        if (peer != null) {
            deliver(peer, d.data());
        }
    }

    private void deliver(InetSocketAddress peer, byte[] data) {
        counters.packetsReceived.increment();
        try {
            config.onData().onData(peer, data);
        } catch (RuntimeException e) {
            log.warn("data handler threw; the client keeps receiving", e);
        }
    }

    private void allocationLost(TurnException e) {
        failed = true;
        permissionLoop.stop();
        channelLoop.stop();
        reportFailure(e);
    }

    private void reportFailure(TurnException e) {
        try {
            config.onFailure().accept(e);
        } catch (RuntimeException ex) {
            log.warn("failure handler threw", ex);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("TURN client closed");
        }
    }

    private void ensureAllocated() {
        ensureOpen();
        if (allocation == null) {
            throw new IllegalStateException("allocate() first");
        }
        if (failed) {
            throw new IllegalStateException("the allocation was lost; close this client and allocate anew");
        }
    }
}
