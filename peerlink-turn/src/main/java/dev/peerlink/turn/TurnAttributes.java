package dev.peerlink.turn;

import static dev.peerlink.turn.TurnAttributeType.*;

import dev.peerlink.stun.AttributeRegistry;
import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunDecodeException.Reason;
import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.internal.AddressCodec;
import dev.peerlink.stun.internal.Bytes;
import dev.peerlink.turn.attribute.*;
import java.util.Arrays;

/** The STUN attribute registry extended with TURN's attributes, and a decoder that uses it. */
public final class TurnAttributes {
    private TurnAttributes() {}

    public static final AttributeRegistry REGISTRY = AttributeRegistry.standard()
            .with(XOR_PEER_ADDRESS, (b, o, l) -> new XorPeerAddress(AddressCodec.read(b, o, l, true)))
            .with(XOR_RELAYED_ADDRESS, (b, o, l) -> new XorRelayedAddress(AddressCodec.read(b, o, l, true)))
            .with(CHANNEL_NUMBER, (b, o, l) -> {
                length(l == 4, "CHANNEL-NUMBER", l);
                return new ChannelNumber(Bytes.u16(b, o));
            })
            .with(LIFETIME, (b, o, l) -> {
                length(l == 4, "LIFETIME", l);
                return new Lifetime(Bytes.u32(b, o) & 0xFFFF_FFFFL);
            })
            .with(DATA, (b, o, l) -> new Data(Arrays.copyOfRange(b, o, o + l)))
            .with(REQUESTED_TRANSPORT, (b, o, l) -> {
                length(l == 4, "REQUESTED-TRANSPORT", l);
                return new RequestedTransport(Bytes.u8(b, o));
            })
            .with(REQUESTED_ADDRESS_FAMILY, (b, o, l) -> {
                length(l == 4, "REQUESTED-ADDRESS-FAMILY", l);
                return new RequestedAddressFamily(Bytes.u8(b, o), false);
            })
            .with(ADDITIONAL_ADDRESS_FAMILY, (b, o, l) -> {
                length(l == 4, "ADDITIONAL-ADDRESS-FAMILY", l);
                return new RequestedAddressFamily(Bytes.u8(b, o), true);
            })
            .with(ADDITIONAL_ADDRESS_FAMILY_DRAFT, (b, o, l) -> {
                length(l == 4, "ADDITIONAL-ADDRESS-FAMILY", l);
                return new RequestedAddressFamily(Bytes.u8(b, o), true);
            })
            .with(ADDRESS_ERROR_CODE, (b, o, l) -> {
                length(l >= 4, "ADDRESS-ERROR-CODE", l);
                int code = (b[o + 2] & 0x07) * 100 + (b[o + 3] & 0xFF);
                length(code >= 300 && code <= 699, "ADDRESS-ERROR-CODE", l);
                return new AddressErrorCode(Bytes.u8(b, o), code,
                        new String(b, o + 4, l - 4, java.nio.charset.StandardCharsets.UTF_8));
            })
            .with(EVEN_PORT, (b, o, l) -> {
                length(l == 1, "EVEN-PORT", l);
                return new EvenPort((b[o] & 0x80) != 0);
            })
            .with(DONT_FRAGMENT, (b, o, l) -> {
                length(l == 0, "DONT-FRAGMENT", l);
                return new DontFragment();
            })
            .with(RESERVATION_TOKEN, (b, o, l) -> {
                length(l == 8, "RESERVATION-TOKEN", l);
                return new ReservationToken(((long) Bytes.u32(b, o) << 32) | (Bytes.u32(b, o + 4) & 0xFFFF_FFFFL));
            })
            .with(CONNECTION_ID, (b, o, l) -> {
                length(l == 4, "CONNECTION-ID", l);
                return new ConnectionId(Bytes.u32(b, o) & 0xFFFF_FFFFL);
            });

    public static final StunDecoder DECODER = new StunDecoder(REGISTRY);

    /** {@link #DECODER} that also accepts RFC 3489 Binding messages (no magic cookie). */
    public static final StunDecoder CLASSIC_DECODER = StunDecoder.classicTolerant(REGISTRY);

    private static void length(boolean ok, String what, int len) throws StunDecodeException {
        if (!ok) {
            throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, what + " of " + len + " bytes");
        }
    }
}
