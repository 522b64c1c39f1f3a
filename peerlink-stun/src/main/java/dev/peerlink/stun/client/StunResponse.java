package dev.peerlink.stun.client;

import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.attribute.MappedAddress;
import dev.peerlink.stun.attribute.OtherAddress;
import dev.peerlink.stun.attribute.ResponseOrigin;
import dev.peerlink.stun.attribute.XorMappedAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/** A response with where it came from and how long the transaction took. */
public record StunResponse(StunMessage message, InetSocketAddress source, Duration rtt, int transmissions) {
    public boolean isSuccess() {
        return message.messageClass() == StunClass.SUCCESS_RESPONSE;
    }

    public Optional<ErrorCode> error() {
        return message.attribute(ErrorCode.class);
    }

    /** XOR-MAPPED-ADDRESS, falling back to MAPPED-ADDRESS for old servers. */
    public Optional<InetSocketAddress> mappedAddress() {
        return message.attribute(XorMappedAddress.class).map(XorMappedAddress::address)
                .or(() -> message.attribute(MappedAddress.class).map(MappedAddress::address));
    }

    public Optional<InetSocketAddress> otherAddress() {
        return message.attribute(OtherAddress.class).map(OtherAddress::address);
    }

    public Optional<InetSocketAddress> responseOrigin() {
        return message.attribute(ResponseOrigin.class).map(ResponseOrigin::address);
    }
}
