package dev.peerlink.server.signal.internal;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Message;
import java.net.InetAddress;

/** One signalling connection as the broker sees it; the transport (Netty WebSocket) implements it. */
public abstract class Conn {
    final byte[] nonce;
    final InetAddress ip;
    /** Set once registered; guarded by the broker's lock. */
    DeviceId deviceId;
    /** A registration of this connection is writing to the registry; guarded by the registrar's lock. */
    boolean registering;
    int protocolErrors;

    protected Conn(byte[] nonce, InetAddress ip) {
        this.nonce = nonce;
        this.ip = ip;
    }

    public DeviceId deviceId() {
        return deviceId;
    }

    public abstract void send(Message m);

    /** Sends {@code m}, then closes the connection. */
    public abstract void sendAndClose(Message m);

    public abstract void close();
}
