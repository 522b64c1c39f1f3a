package dev.peerlink.turn.client.internal;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.turn.ChannelData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The client's path to the TURN server, UDP or TCP: transactions (with the transport's own
 * retransmission rules), fire-and-forget sends, and a single inbound callback. The TURN logic
 * above it does not know which transport it runs on, except for ChannelData padding.
 */
public interface ServerLink extends AutoCloseable {
    /** What the server sends that is not a response: Data indications and ChannelData. */
    interface Inbound {
        void indication(StunMessage message);

        void channelData(ChannelData data);
    }

    /** Runs one transaction; completes with the response (any class) or fails with a timeout or I/O error. */
    CompletableFuture<StunMessage> transact(StunMessage request, MessageProtection protection);

    /** Sends an indication or ChannelData without waiting for anything. */
    void send(byte[] bytes) throws IOException;

    /** TCP needs ChannelData padded to 4 bytes; over UDP padding is optional and we leave it out. */
    boolean streamOriented();

    InetSocketAddress localAddress();

    @Override
    void close();
}
