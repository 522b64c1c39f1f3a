package dev.peerlink.stun.nat.internal;

import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.client.StunUdpClient;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * RFC 5780 §4.5: a second socket sends a Binding request to the first socket's public mapping; if
 * the first socket receives it, the NAT hairpins. Nobody answers, so the sender's transaction
 * retransmits per policy until the request is seen or it times out.
 */
public final class HairpinProbe {
    private HairpinProbe() {}

    public static boolean run(StunUdpClient target, InetSocketAddress targetMapping, StunUdpClient sender)
            throws InterruptedException {
        StunMessage probe = StunMessage.request(StunMethod.BINDING).build();
        CompletableFuture<Boolean> seen = new CompletableFuture<>();
        target.onUnsolicited((m, from) -> {
            if (m.messageClass() == dev.peerlink.stun.StunClass.REQUEST && m.transactionId().equals(probe.transactionId())) {
                seen.complete(true);
            }
        });
        var transaction = sender.send(probe, targetMapping);
        transaction.whenComplete((r, e) -> seen.complete(false)); // timed out (or, oddly, answered)
        try {
            return seen.get();
        } catch (ExecutionException e) {
            return false;
        } finally {
            transaction.cancel(false);
            target.onUnsolicited((m, from) -> {});
        }
    }

    /** Convenience for reports: unknown when there was no mapping to aim at. */
    public static Optional<Boolean> runIfMapped(StunUdpClient target, Optional<InetSocketAddress> mapping,
                                                StunUdpClient sender) throws InterruptedException {
        return mapping.isPresent() ? Optional.of(run(target, mapping.get(), sender)) : Optional.empty();
    }
}
