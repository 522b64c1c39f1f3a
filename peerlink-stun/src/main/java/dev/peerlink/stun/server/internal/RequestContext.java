package dev.peerlink.stun.server.internal;

import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.server.StunRequest;
import java.net.InetSocketAddress;
import java.util.Optional;

/** {@link StunRequest} for one received message: the message plus where it came from and arrived. */
final class RequestContext implements StunRequest {
    private final StunMessage message;
    private final int wireLength;
    private final InetSocketAddress source;
    private final int localIndex;
    private final Protocol protocol;
    private final SocketLayout layout;

    RequestContext(StunMessage message, int wireLength, InetSocketAddress source, int localIndex, Protocol protocol,
                   SocketLayout layout) {
        this.message = message;
        this.wireLength = wireLength;
        this.source = source;
        this.localIndex = localIndex;
        this.protocol = protocol;
        this.layout = layout;
    }

    @Override
    public StunMessage message() {
        return message;
    }

    @Override
    public int wireLength() {
        return wireLength;
    }

    @Override
    public InetSocketAddress source() {
        return source;
    }

    @Override
    public InetSocketAddress local() {
        return layout.address(localIndex);
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    @Override
    public Optional<InetSocketAddress> otherAddress() {
        return Optional.ofNullable(layout.other(localIndex));
    }

    @Override
    public Optional<InetSocketAddress> origin(boolean changeIp, boolean changePort) {
        int sender = layout.sender(localIndex, changeIp, changePort);
        return sender < 0 ? Optional.empty() : Optional.of(layout.address(sender));
    }

    @Override
    public int maxReplyLength() {
        return AmplificationRule.maxReply(wireLength);
    }

    int localIndex() {
        return localIndex;
    }
}
