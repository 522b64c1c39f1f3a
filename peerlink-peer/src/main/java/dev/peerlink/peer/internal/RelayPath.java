package dev.peerlink.peer.internal;

import dev.peerlink.protocol.RelayGrant;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;

/** TEMPORARY stand-in: replaced by the one-sided TURN relay path. */
public final class RelayPath implements AutoCloseable {
    public static RelayPath open(RelayGrant grant, Duration timeout) throws IOException {
        throw new IOException("relay path not available yet");
    }

    public InetSocketAddress relayedAddress() { throw new UnsupportedOperationException(); }
    public void permit(InetAddress ip) throws IOException { }
    public DatagramChannel quicSocket() { throw new UnsupportedOperationException(); }
    public void close() { }
}
