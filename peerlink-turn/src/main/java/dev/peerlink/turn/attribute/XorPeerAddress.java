package dev.peerlink.turn.attribute;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.AddressCodec;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;
import java.net.InetSocketAddress;
import java.util.Objects;

/** XOR-PEER-ADDRESS (RFC 8656 §18.3): a peer's address as seen from the relay. */
public record XorPeerAddress(InetSocketAddress address) implements StunAttribute {
    public XorPeerAddress {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
    }

    @Override
    public int type() {
        return TurnAttributeType.XOR_PEER_ADDRESS;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        AddressCodec.write(out, address, header, true);
    }
}
