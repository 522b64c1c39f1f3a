package dev.peerlink.stun.nat.internal;

import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.ResponsePort;
import dev.peerlink.stun.client.RetransmissionPolicy;
import dev.peerlink.stun.client.StunResponse;
import dev.peerlink.stun.client.StunUdpClient;
import dev.peerlink.stun.nat.NatReport.LifetimeEstimate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * RFC 5780 §4.6 binding lifetime, run in parallel: socket X_i opens a mapping, and after t_i an
 * independent socket asks the server (RESPONSE-PORT = X_i's mapped port) to answer toward X_i's
 * mapping. X_i hearing that answer means the mapping outlived t_i. One X per delay, because every
 * inbound packet refreshes a mapping; delays double from 5 s up to the limit.
 */
public final class LifetimeProbe {
    private static final Duration FIRST = Duration.ofSeconds(5);

    private LifetimeProbe() {}

    public static Optional<LifetimeEstimate> run(InetSocketAddress localIp, InetSocketAddress server,
                                                 RetransmissionPolicy policy, Duration limit)
            throws IOException, InterruptedException {
        List<Duration> delays = new ArrayList<>();
        for (Duration d = FIRST; d.compareTo(limit) <= 0; d = d.multipliedBy(2)) {
            delays.add(d);
        }
        if (delays.isEmpty()) {
            return Optional.empty();
        }
        List<StunUdpClient> sockets = new ArrayList<>();
        try {
            StunUdpClient checker = StunUdpClient.bind(localIp, policy);
            sockets.add(checker);
            List<CompletableFuture<Boolean>> alive = new ArrayList<>();
            for (Duration d : delays) {
                StunUdpClient x = StunUdpClient.bind(localIp, policy);
                sockets.add(x);
                Optional<StunResponse> first = Probes.await(Probes.binding(x, server));
                Optional<InetSocketAddress> mapped = first.flatMap(StunResponse::mappedAddress);
                if (mapped.isEmpty()) {
                    return Optional.empty();
                }
                int port = mapped.get().getPort();
                alive.add(CompletableFuture.runAsync(() -> {},
                                CompletableFuture.delayedExecutor(d.toMillis(), TimeUnit.MILLISECONDS))
                        .thenCompose(ignored -> probe(checker, x, server, port)));
            }
            Duration atLeast = Duration.ZERO;
            Optional<Duration> below = Optional.empty();
            for (int i = 0; i < delays.size(); i++) {
                if (alive.get(i).join()) {
                    atLeast = delays.get(i);
                } else if (below.isEmpty()) {
                    below = Optional.of(delays.get(i));
                }
            }
            return Optional.of(new LifetimeEstimate(atLeast, below));
        } finally {
            sockets.forEach(StunUdpClient::close);
        }
    }

    private static CompletableFuture<Boolean> probe(StunUdpClient checker, StunUdpClient x, InetSocketAddress server,
                                                    int mappedPort) {
        StunMessage request = StunMessage.request(StunMethod.BINDING).add(new ResponsePort(mappedPort)).build();
        CompletableFuture<Boolean> heard = new CompletableFuture<>();
        x.onUnsolicited((m, from) -> {
            if (m.transactionId().equals(request.transactionId())) {
                heard.complete(true);
            }
        });
        // The checker itself never gets the answer; its transaction ending means X did not either.
        checker.send(request, server).whenComplete((r, e) -> heard.complete(false));
        return heard;
    }
}
