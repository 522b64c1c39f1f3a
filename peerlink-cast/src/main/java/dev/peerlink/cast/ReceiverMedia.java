package dev.peerlink.cast;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** The receiver's RTMP side, as the cast flow needs it. */
public interface ReceiverMedia {
    /** Loopback address of the RTMP server a publishing phone's stream is joined to. */
    InetSocketAddress rtmpServer();

    /**
     * Runs the RTMP client as the seed's PC does after dialling back: handshake, connect, play {@code key} from the
     * RTMP server reachable at {@code via}, and hand the picture to the receiver's live stream. Completes when the
     * remote stream ends (exceptionally when it fails).
     */
    CompletableFuture<Void> playFrom(InetSocketAddress via, String key);
}
