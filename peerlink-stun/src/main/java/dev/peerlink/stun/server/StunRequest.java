package dev.peerlink.stun.server;

import dev.peerlink.stun.StunMessage;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A decoded request or indication as a {@link StunMethodHandler} sees it, with the facts about the
 * socket it arrived on that answers depend on.
 */
public interface StunRequest {
    /** How the message arrived. */
    enum Protocol { UDP, TCP }

    StunMessage message();

    /** Size of the message on the wire; the amplification rule is relative to it. */
    int wireLength();

    /** The client's address as the server sees it (the reflexive address). */
    InetSocketAddress source();

    /** The server socket the message arrived on. */
    InetSocketAddress local();

    Protocol protocol();

    /**
     * RFC 5780 OTHER-ADDRESS: the server address differing from {@link #local()} in both IP and port.
     * Empty when the server has no alternate address.
     */
    Optional<InetSocketAddress> otherAddress();

    /**
     * The server address a reply routed with these CHANGE-REQUEST flags is sent from (its
     * RESPONSE-ORIGIN). Empty when a flag is set but the server has no alternate address.
     */
    Optional<InetSocketAddress> origin(boolean changeIp, boolean changePort);

    /** The largest reply, in bytes, that the amplification rule allows for this request. */
    int maxReplyLength();
}
