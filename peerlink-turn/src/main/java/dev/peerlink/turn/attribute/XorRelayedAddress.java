package dev.peerlink.turn.attribute;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.AddressCodec;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;
import java.net.InetSocketAddress;
import java.util.Objects;

/** XOR-RELAYED-ADDRESS (RFC 8656 §18.5): the relayed transport address of an allocation. */
public record XorRelayedAddress(InetSocketAddress address) implements StunAttribute {
    public XorRelayedAddress {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
    }

    @Override
    public int type() {
        return TurnAttributeType.XOR_RELAYED_ADDRESS;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        AddressCodec.write(out, address, header, true);
    }
}
