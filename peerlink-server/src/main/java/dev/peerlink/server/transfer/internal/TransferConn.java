package dev.peerlink.server.transfer.internal;

import dev.peerlink.transfer.wire.TransferFrame;

/** One transfer connection as the service sees it; the Netty adapter implements it. */
public interface TransferConn {
    /** Queues a frame. */
    void send(TransferFrame f);

    /** Queues a frame and waits while the connection's outbound buffer is full (streaming a download). */
    void sendPaced(TransferFrame f) throws InterruptedException;

    void close();

    boolean isOpen();

    /** The nonce of this connection's {@code auth} challenge. */
    byte[] nonce();

    /** Who authenticated: a device id, or null; {@link #tierId()} for a private tier. */
    String device();

    String tierId();

    void authenticated(String device, String tierId);

    String remote();
}
