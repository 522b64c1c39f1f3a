package dev.peerlink.rtmp.server;

import java.net.InetSocketAddress;

/**
 * Who may publish or play which stream. The default admits every app and key (fit for a loopback-only server); a
 * receiver that listens on a LAN requires the one-time token as the key.
 */
public interface RtmpServerPolicy {
    boolean mayPublish(InetSocketAddress remote, String app, String key);

    boolean mayPlay(InetSocketAddress remote, String app, String key);

    RtmpServerPolicy OPEN = new RtmpServerPolicy() {
        public boolean mayPublish(InetSocketAddress remote, String app, String key) { return true; }
        public boolean mayPlay(InetSocketAddress remote, String app, String key) { return true; }
    };
}
