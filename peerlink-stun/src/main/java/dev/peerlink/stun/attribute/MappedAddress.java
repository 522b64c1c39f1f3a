package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.AddressCodec;
import dev.peerlink.stun.internal.ByteSink;
import java.net.InetSocketAddress;
import java.util.Objects;

/** MAPPED-ADDRESS (RFC 8489 §14.1): the reflexive address, in the clear (RFC 3489 compatibility). */
public record MappedAddress(InetSocketAddress address) implements StunAttribute {
    public MappedAddress {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
    }

    @Override
    public int type() {
        return AttributeType.MAPPED_ADDRESS;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        AddressCodec.write(out, address, header, false);
    }
}
