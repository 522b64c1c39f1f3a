package dev.peerlink.stun.nat.internal;

import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.client.StunResponse;
import dev.peerlink.stun.client.StunTimeoutException;
import dev.peerlink.stun.client.StunUdpClient;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Small helpers shared by the discovery tests: one Binding transaction, answered or timed out. */
public final class Probes {
    private Probes() {}

    public static CompletableFuture<StunResponse> binding(StunUdpClient client, InetSocketAddress to, StunAttribute... attrs) {
        StunMessage.Builder b = StunMessage.request(StunMethod.BINDING);
        for (StunAttribute a : attrs) {
            b.add(a);
        }
        return client.send(b.build(), to);
    }

    /** The response, or empty on timeout. Other failures (socket closed) propagate. */
    public static Optional<StunResponse> await(CompletableFuture<StunResponse> f) throws InterruptedException {
        try {
            return Optional.of(f.get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StunTimeoutException) {
                return Optional.empty();
            }
            throw new IllegalStateException("STUN transaction failed: " + e.getCause(), e.getCause());
        }
    }
}
