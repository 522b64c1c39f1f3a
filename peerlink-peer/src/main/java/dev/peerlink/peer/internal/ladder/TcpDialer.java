package dev.peerlink.peer.internal.ladder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dials a list of TCP candidates Happy-Eyeballs style (RFC 8305): IPv6 first, families interleaved, one attempt every
 * {@code stagger} (the first IPv4 one after {@link HappyEyeballs#HEAD_START}), all racing, first connection wins and
 * the others are closed.
 */
public final class TcpDialer {
    private TcpDialer() {}

    /** A connected socket and the candidate it reached. */
    public record Dialed(Socket socket, InetSocketAddress remote) {}

    /**
     * Why dialing failed: {@code refused} when every candidate failed fast (connection refused, no route), so a
     * reverse connection can be asked for at once instead of waiting out the deadline.
     */
    public static final class DialException extends IOException {
        private final boolean refused;

        DialException(String message, boolean refused) {
            super(message, null);
            this.refused = refused;
        }

        public boolean refused() {
            return refused;
        }
    }

    public static CompletableFuture<Dialed> dial(List<InetSocketAddress> given, Duration stagger, Duration timeout) {
        List<InetSocketAddress> candidates = HappyEyeballs.order(given);
        CompletableFuture<Dialed> winner = new CompletableFuture<>();
        if (candidates.isEmpty()) {
            winner.completeExceptionally(new DialException("no TCP candidates", true));
            return winner;
        }
        AtomicInteger failed = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean anyTimedOut = new java.util.concurrent.atomic.AtomicBoolean();
        for (int i = 0; i < candidates.size(); i++) {
            InetSocketAddress to = candidates.get(i);
            long delayMs = HappyEyeballs.delay(candidates, i, stagger).toMillis();
            Thread.ofVirtual().name("peerlink-dial-" + to).start(() -> {
                try {
                    if (delayMs > 0) {
                        try {
                            winner.get(delayMs, TimeUnit.MILLISECONDS);
                            return; // someone already won
                        } catch (TimeoutException expected) {
                            // our turn
                        }
                    }
                    Socket s = new Socket();
                    s.connect(to, (int) Math.max(1, timeout.toMillis() - delayMs));
                    if (!winner.complete(new Dialed(s, to))) {
                        s.close();
                    }
                } catch (IOException e) {
                    if (e instanceof java.net.SocketTimeoutException) {
                        anyTimedOut.set(true);
                    }
                    if (failed.incrementAndGet() == candidates.size()) {
                        winner.completeExceptionally(new DialException("no TCP candidate answered ("
                                + e.getMessage() + ")", !anyTimedOut.get()));
                    }
                } catch (Exception e) {
                    winner.completeExceptionally(e);
                }
            });
        }
        return winner;
    }
}
