package dev.peerlink.cast;

import dev.peerlink.peer.pairing.PairingCode;
import dev.peerlink.rtmp.live.LiveHub;
import dev.peerlink.rtmp.server.RtmpServer;
import dev.peerlink.rtmp.server.RtmpServerPolicy;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Seed 000's unencrypted case on a LAN: plain RTMP that a stock client (ffmpeg, OBS, a phone app) publishes to, with
 * the current one-time token as the stream key — {@code rtmp://PC:1935/cast/<token hex>}. It only takes publishes
 * (the re-serve for players stays on loopback) and feeds them into the receiver's one live stream. Whether a publish
 * is admitted is the attached {@link Gate}'s call (the {@link CastReceiver}, which spends the token); with no gate
 * every publish is refused.
 */
public final class PlainCastServer implements AutoCloseable {
    /** Connections at once: one publisher and a few stragglers; a LAN neighbour cannot hold more sockets open. */
    static final int MAX_CONNECTIONS = 8;

    private final LiveHub hub;
    private final String hubKey;
    private final RtmpServer server;
    private volatile Gate gate;

    /** The receiver's side: admits publishes and hears when an admitted one starts and ends (on I/O threads). */
    public interface Gate {
        /** Whether {@code remote} may publish {@code app/key} now; true claims the cast (the token is spent). */
        boolean admit(InetSocketAddress remote, String app, String key);

        /** An admitted publisher started (the stream is flowing into the live hub). */
        void started(InetSocketAddress remote);

        /** An admitted publisher ended, or could not start ({@code why}). */
        void ended(InetSocketAddress remote, String why);
    }

    PlainCastServer(LiveHub hub, String hubKey, InetSocketAddress bind) throws IOException {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.hubKey = Objects.requireNonNull(hubKey, "hubKey");
        this.server = RtmpServer.builder().hub(hub).bind(bind).maxConnections(MAX_CONNECTIONS)
                .policy(new Policy()).listener(new Events()).start();
    }

    /** The receiver that decides who may publish; null refuses everyone. */
    public void attach(Gate g) {
        this.gate = g;
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** The stream key a stock client publishes under: the code's token as lower-case hex. */
    public static String key(PairingCode code) {
        return HexFormat.of().formatHex(code.token());
    }

    /**
     * What to give a stock client for {@code code}: {@code rtmp://HOST:PORT/cast/<token hex>}, HOST being the bound
     * address, or when bound to every interface the code's first candidate (a LAN address of this PC).
     */
    public String url(PairingCode code) {
        InetSocketAddress a = address();
        InetAddress host = a.getAddress();
        if (host.isAnyLocalAddress()) {
            host = code.candidates().isEmpty() ? InetAddress.getLoopbackAddress() : code.candidates().get(0).getAddress();
        }
        String h = host instanceof Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
        return "rtmp://" + h + ":" + a.getPort() + "/" + LiveReceiverMedia.APP + "/" + key(code);
    }

    @Override
    public void close() {
        gate = null;
        server.close();
    }

    private final class Policy implements RtmpServerPolicy {
        @Override
        public boolean mayPublish(InetSocketAddress remote, String app, String key) {
            return publishTo(remote, app, key) != null;
        }

        @Override
        public boolean mayPlay(InetSocketAddress remote, String app, String key) {
            return false; // players use the loopback re-serve
        }

        @Override
        public String publishTo(InetSocketAddress remote, String app, String key) {
            Gate g = gate;
            // a stream still live (the last cast closing) is not a reason to spend the token
            if (g == null || hub.isPublishing(hubKey) || !g.admit(remote, app, key)) {
                return null;
            }
            return hubKey;
        }
    }

    private final class Events implements RtmpServer.Listener {
        @Override
        public void published(InetSocketAddress remote, String key) {
            Gate g = gate;
            if (g != null) {
                g.started(remote);
            }
        }

        @Override
        public void unpublished(InetSocketAddress remote, String key) {
            Gate g = gate;
            if (g != null) {
                g.ended(remote, "stream ended");
            }
        }

        @Override
        public void refused(InetSocketAddress remote, String key) {
            Gate g = gate;
            if (g != null) {
                g.ended(remote, "another stream is live");
            }
        }
    }
}
