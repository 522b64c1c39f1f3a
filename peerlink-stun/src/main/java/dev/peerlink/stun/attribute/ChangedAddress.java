package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.AddressCodec;
import dev.peerlink.stun.internal.ByteSink;
import java.net.InetSocketAddress;
import java.util.Objects;

/** CHANGED-ADDRESS (RFC 3489 §11.2.3): the address a change-IP-and-port reply would come from (RFC 5780's OTHER-ADDRESS), for RFC 3489 clients. */
public record ChangedAddress(InetSocketAddress address) implements StunAttribute {
    public ChangedAddress {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
    }

    @Override
    public int type() {
        return AttributeType.CHANGED_ADDRESS;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        AddressCodec.write(out, address, header, false);
    }
}
