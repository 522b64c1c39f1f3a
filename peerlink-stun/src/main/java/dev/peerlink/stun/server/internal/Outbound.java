package dev.peerlink.stun.server.internal;

import java.net.InetSocketAddress;

/**
 * What the engine decided for one received message: bytes to send from socket {@code sender} to
 * {@code recipient}, or one of the two no-reply markers.
 */
public final class Outbound {
    /** Not STUN, malformed or not for us: drop, and on TCP close the connection. */
    public static final Outbound GARBAGE = new Outbound(null, -1, null);
    /** Well-formed but unanswered (indication, rate limited, refused). */
    public static final Outbound NONE = new Outbound(null, -1, null);

    public final byte[] bytes;
    public final int sender;
    public final InetSocketAddress recipient;

    Outbound(byte[] bytes, int sender, InetSocketAddress recipient) {
        this.bytes = bytes;
        this.sender = sender;
        this.recipient = recipient;
    }

    public boolean isReply() {
        return bytes != null;
    }
}
