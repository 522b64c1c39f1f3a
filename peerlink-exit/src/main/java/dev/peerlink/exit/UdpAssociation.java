package dev.peerlink.exit;

/** A SOCKS5 UDP ASSOCIATE carried through an exit as datagrams on the peer connection. */
public interface UdpAssociation extends AutoCloseable {
    /** Sends one datagram to {@code host:port} through the exit (names resolved at the exit). */
    void send(String host, int port, byte[] payload) throws ExitException;

    @Override
    void close();

    /** A datagram from a remote host, delivered to the association's handler. */
    record Packet(String host, int port, byte[] payload) {}
}
