package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.AddressCodec;
import dev.peerlink.stun.internal.ByteSink;
import java.net.InetSocketAddress;
import java.util.Objects;

/** ALTERNATE-SERVER (RFC 8489 §14.15): where a client is redirected (with error 300). */
public record AlternateServer(InetSocketAddress address) implements StunAttribute {
    public AlternateServer {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
    }

    @Override
    public int type() {
        return AttributeType.ALTERNATE_SERVER;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        AddressCodec.write(out, address, header, false);
    }
}
