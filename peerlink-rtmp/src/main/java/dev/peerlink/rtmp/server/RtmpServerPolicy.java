package dev.peerlink.rtmp.server;

import java.net.InetSocketAddress;

/**
 * Who may publish or play which stream, and where a publish goes. The default admits every app and key (fit for a
 * loopback-only server); a receiver that listens on a LAN requires the one-time token as the key. Consulted on an I/O
 * thread: return promptly.
 */
public interface RtmpServerPolicy {
    boolean mayPublish(InetSocketAddress remote, String app, String key);

    boolean mayPlay(InetSocketAddress remote, String app, String key);

    /**
     * The hub key a publish of {@code app/key} goes into, or null to refuse it (NetStream.Publish.BadName). By default
     * {@code app/key} when {@link #mayPublish} allows it; a policy may map the published key to another, e.g. a receiver
     * that takes its one-time token as the stream key and feeds its one live stream.
     */
    default String publishTo(InetSocketAddress remote, String app, String key) {
        return mayPublish(remote, app, key) ? app + "/" + key : null;
    }

    RtmpServerPolicy OPEN = new RtmpServerPolicy() {
        public boolean mayPublish(InetSocketAddress remote, String app, String key) { return true; }
        public boolean mayPlay(InetSocketAddress remote, String app, String key) { return true; }
    };
}
