package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.AddressCodec;
import dev.peerlink.stun.internal.ByteSink;
import java.net.InetSocketAddress;
import java.util.Objects;

/** SOURCE-ADDRESS (RFC 3489 §11.2.5): the address and port the response was sent from (RFC 5780's RESPONSE-ORIGIN), for RFC 3489 clients. */
public record SourceAddress(InetSocketAddress address) implements StunAttribute {
    public SourceAddress {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
    }

    @Override
    public int type() {
        return AttributeType.SOURCE_ADDRESS;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        AddressCodec.write(out, address, header, false);
    }
}
