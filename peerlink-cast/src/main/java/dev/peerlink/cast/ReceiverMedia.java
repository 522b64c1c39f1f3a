package dev.peerlink.cast;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** The receiver's RTMP side, as the cast flow needs it. */
public interface ReceiverMedia {
    /**
     * Admits one publisher — the phone whose stream is about to be joined in — and returns the loopback address of
     * the RTMP server to join it to. Other local processes cannot publish there (the server refuses a publish that
     * was not admitted), so nothing but the cast reaches the page.
     */
    InetSocketAddress admitPublisher();

    /**
     * Runs the RTMP client as the seed's PC does after dialling back: handshake, connect, play {@code key} from the
     * RTMP server reachable at {@code via}, and hand the picture to the receiver's live stream. Completes when the
     * remote stream ends (exceptionally when it fails).
     */
    CompletableFuture<Void> playFrom(InetSocketAddress via, String key);
}
