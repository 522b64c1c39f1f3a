package dev.peerlink.stun.nat;

import dev.peerlink.stun.attribute.ChangeRequest;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.client.StunResponse;
import dev.peerlink.stun.client.StunUdpClient;
import dev.peerlink.stun.client.internal.RtoEstimator;
import dev.peerlink.stun.nat.internal.HairpinProbe;
import dev.peerlink.stun.nat.internal.LifetimeProbe;
import dev.peerlink.stun.nat.internal.Probes;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * NAT behaviour discovery against one STUN server (RFC 5780 §4): mapping tests I–III, filtering
 * tests II–III, hairpinning, the port-allocation pattern and, optionally, the binding lifetime.
 * A server without RFC 5780 (no OTHER-ADDRESS, or 420 to CHANGE-REQUEST) yields a partial report
 * whose unknown parts are empty, never guessed.
 */
public final class NatBehaviorDiscovery {
    private final InetSocketAddress server;
    private final DiscoveryOptions options;
    private final RtoEstimator rto;

    public NatBehaviorDiscovery(InetSocketAddress server, DiscoveryOptions options) {
        this.server = server;
        this.options = options;
        this.rto = new RtoEstimator(options.retransmission());
    }

    public NatReport run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        InetSocketAddress localIp = new InetSocketAddress(sourceAddressToward(server), 0);
        List<String> notes = new ArrayList<>();
        List<StunUdpClient> open = new ArrayList<>();
        try {
            StunUdpClient main = open(localIp, open);
            Optional<StunResponse> test1 = Probes.await(Probes.binding(main, server));
            Optional<InetSocketAddress> mapped = test1.flatMap(StunResponse::mappedAddress);
            if (mapped.isEmpty()) {
                notes.add(test1.isEmpty() ? "no answer to Binding test I: UDP is blocked or the server is down"
                        : "the server answered without a mapped address");
                return new NatReport(server, Optional.empty(), main.localAddress(), Optional.empty(), false,
                        Optional.empty(), Optional.empty(), test1.isEmpty() ? Optional.of(NatType.UDP_BLOCKED) : Optional.empty(),
                        Optional.empty(), PortAllocation.judge(List.of(), List.of()), Optional.empty(), false, test1.isPresent(),
                        notes, elapsed(start));
            }
            InetSocketAddress x1 = mapped.get();
            boolean behindNat = !x1.equals(main.localAddress());
            Optional<InetSocketAddress> other = test1.get().otherAddress()
                    .filter(o -> !o.getAddress().equals(server.getAddress()) && o.getPort() != server.getPort());
            if (other.isEmpty()) {
                notes.add("server does not support RFC 5780 (no usable OTHER-ADDRESS): "
                        + (behindNat ? "mapping, filtering" : "filtering") + " and NAT type unknown");
            }

            Optional<MappingBehavior> mapping = behindNat
                    ? other.isPresent() ? mappingTests(main, x1, other.get(), notes) : Optional.empty()
                    : Optional.of(MappingBehavior.ENDPOINT_INDEPENDENT);
            Optional<FilteringBehavior> filtering =
                    other.isPresent() ? filteringTests(open(localIp, open), notes) : Optional.empty();
            Optional<Boolean> hairpin = options.hairpinning()
                    ? Optional.of(HairpinProbe.run(main, x1, open(localIp, open)))
                    : Optional.empty();
            PortAllocation allocation = portAllocation(localIp, open, notes);
            Optional<NatReport.LifetimeEstimate> lifetime = Optional.empty();
            if (options.lifetimeProbeLimit().isPresent()) {
                lifetime = LifetimeProbe.run(localIp, server, options.retransmission(), options.lifetimeProbeLimit().get());
                if (lifetime.isEmpty()) {
                    notes.add("binding lifetime not measured");
                }
            }
            Optional<NatType> type = mapping.isPresent() && filtering.isPresent()
                    ? Optional.of(NatType.classify(behindNat, mapping.get(), filtering.get()))
                    : Optional.empty();
            return new NatReport(server, other, main.localAddress(), Optional.of(x1), behindNat, mapping, filtering, type,
                    hairpin, allocation, lifetime, other.isPresent(), type.isEmpty(), notes, elapsed(start));
        } finally {
            open.forEach(StunUdpClient::close);
        }
    }

    /** RFC 5780 §4.3: same socket to the alternate IP (test II), then to the alternate IP and port (test III). */
    private Optional<MappingBehavior> mappingTests(StunUdpClient main, InetSocketAddress x1, InetSocketAddress other,
                                                   List<String> notes) throws InterruptedException {
        Optional<InetSocketAddress> x2 = Probes.await(Probes.binding(main, new InetSocketAddress(other.getAddress(), server.getPort())))
                .flatMap(StunResponse::mappedAddress);
        if (x2.isEmpty()) {
            notes.add("no answer from the server's alternate address (mapping test II): mapping unknown");
            return Optional.empty();
        }
        if (x2.get().equals(x1)) {
            return Optional.of(MappingBehavior.ENDPOINT_INDEPENDENT);
        }
        Optional<InetSocketAddress> x3 = Probes.await(Probes.binding(main, other)).flatMap(StunResponse::mappedAddress);
        if (x3.isEmpty()) {
            notes.add("no answer from the server's alternate address and port (mapping test III): mapping unknown");
            return Optional.empty();
        }
        return Optional.of(x3.get().equals(x2.get()) ? MappingBehavior.ADDRESS_DEPENDENT : MappingBehavior.ADDRESS_AND_PORT_DEPENDENT);
    }

    /**
     * RFC 5780 §4.4 on a fresh socket, so the mapping tests' traffic to the alternate address cannot
     * have opened the filter. Tests II and III run at once; II decides when it is answered.
     */
    private Optional<FilteringBehavior> filteringTests(StunUdpClient socket, List<String> notes) throws InterruptedException {
        if (Probes.await(Probes.binding(socket, server)).isEmpty()) {
            notes.add("no answer on the filtering socket: filtering unknown");
            return Optional.empty();
        }
        CompletableFuture<StunResponse> test2 = Probes.binding(socket, server, new ChangeRequest(true, true));
        CompletableFuture<StunResponse> test3 = Probes.binding(socket, server, new ChangeRequest(false, true));
        Optional<StunResponse> r2 = Probes.await(test2);
        if (r2.isPresent() && refusedChange(r2.get(), notes)) {
            test3.cancel(false);
            return Optional.empty();
        }
        if (r2.isPresent()) {
            test3.cancel(false);
            return Optional.of(FilteringBehavior.ENDPOINT_INDEPENDENT);
        }
        Optional<StunResponse> r3 = Probes.await(test3);
        if (r3.isPresent() && refusedChange(r3.get(), notes)) {
            return Optional.empty();
        }
        return Optional.of(r3.isPresent() ? FilteringBehavior.ADDRESS_DEPENDENT : FilteringBehavior.ADDRESS_AND_PORT_DEPENDENT);
    }

    private static boolean refusedChange(StunResponse r, List<String> notes) {
        if (r.isSuccess()) {
            return false;
        }
        notes.add("server refused CHANGE-REQUEST (" + r.error().map(ErrorCode::code).orElse(0) + "): filtering unknown");
        return true;
    }

    /** Bindings from fresh local ports, one after another, so allocation order is observable. */
    private PortAllocation portAllocation(InetSocketAddress localIp, List<StunUdpClient> open, List<String> notes)
            throws IOException, InterruptedException {
        List<Integer> local = new ArrayList<>();
        List<Integer> mapped = new ArrayList<>();
        for (int i = 0; i < options.portSamples(); i++) {
            StunUdpClient c = open(localIp, open);
            Optional<InetSocketAddress> m = Probes.await(Probes.binding(c, server)).flatMap(StunResponse::mappedAddress);
            if (m.isEmpty()) {
                notes.add("a port-allocation sample got no answer: pattern unknown");
                return PortAllocation.judge(List.of(), List.of());
            }
            local.add(c.localAddress().getPort());
            mapped.add(m.get().getPort());
        }
        return PortAllocation.judge(local, mapped);
    }

    private StunUdpClient open(InetSocketAddress localIp, List<StunUdpClient> open) throws IOException {
        StunUdpClient c = StunUdpClient.bind(localIp, options.retransmission(), rto);
        open.add(c);
        return c;
    }

    /** The local IP the kernel routes toward the server: what the mapped address is compared with. */
    static InetAddress sourceAddressToward(InetSocketAddress server) throws IOException {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(server);
            InetAddress local = probe.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                throw new IOException("no route toward " + server);
            }
            return local;
        }
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
