package dev.peerlink.stun;

import static dev.peerlink.stun.AttributeType.*;

import dev.peerlink.stun.StunDecodeException.Reason;
import dev.peerlink.stun.attribute.*;
import dev.peerlink.stun.internal.AddressCodec;
import dev.peerlink.stun.internal.Bytes;
import dev.peerlink.stun.internal.Text;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps attribute type codes to value decoders. Immutable; {@link #with} returns an extended copy,
 * which is how protocols layered on STUN (TURN) add their attributes. Types without a decoder
 * decode to {@link RawAttribute}.
 */
public final class AttributeRegistry {
    /** Decodes one attribute value found at {@code msg[off, off+len)}; {@code msg} starts with the header. */
    @FunctionalInterface
    public interface ValueDecoder {
        StunAttribute decode(byte[] msg, int off, int len) throws StunDecodeException;
    }

    private static final AttributeRegistry STANDARD = buildStandard();

    private final Map<Integer, ValueDecoder> decoders;

    private AttributeRegistry(Map<Integer, ValueDecoder> decoders) {
        this.decoders = Map.copyOf(decoders);
    }

    /** RFC 8489 and RFC 5780 attributes. */
    public static AttributeRegistry standard() {
        return STANDARD;
    }

    public AttributeRegistry with(int type, ValueDecoder decoder) {
        Map<Integer, ValueDecoder> m = new HashMap<>(decoders);
        m.put(type, decoder);
        return new AttributeRegistry(m);
    }

    public boolean knows(int type) {
        return decoders.containsKey(type);
    }

    StunAttribute decode(int type, byte[] msg, int off, int len) throws StunDecodeException {
        ValueDecoder d = decoders.get(type);
        if (d == null) {
            return new RawAttribute(type, Arrays.copyOfRange(msg, off, off + len));
        }
        return d.decode(msg, off, len);
    }

    private static AttributeRegistry buildStandard() {
        Map<Integer, ValueDecoder> m = new HashMap<>();
        m.put(MAPPED_ADDRESS, (b, o, l) -> new MappedAddress(AddressCodec.read(b, o, l, false)));
        m.put(XOR_MAPPED_ADDRESS, (b, o, l) -> new XorMappedAddress(AddressCodec.read(b, o, l, true)));
        m.put(RESPONSE_ORIGIN, (b, o, l) -> new ResponseOrigin(AddressCodec.read(b, o, l, false)));
        m.put(OTHER_ADDRESS, (b, o, l) -> new OtherAddress(AddressCodec.read(b, o, l, false)));
        m.put(SOURCE_ADDRESS, (b, o, l) -> new SourceAddress(AddressCodec.read(b, o, l, false)));
        m.put(CHANGED_ADDRESS, (b, o, l) -> new ChangedAddress(AddressCodec.read(b, o, l, false)));
        m.put(ALTERNATE_SERVER, (b, o, l) -> new AlternateServer(AddressCodec.read(b, o, l, false)));
        m.put(USERNAME, (b, o, l) -> new Username(Text.utf8(b, o, l, Username.MAX_BYTES, "USERNAME")));
        m.put(REALM, (b, o, l) -> new Realm(Text.utf8(b, o, l, Realm.MAX_BYTES, "REALM")));
        m.put(NONCE, (b, o, l) -> new Nonce(Text.utf8(b, o, l, Nonce.MAX_BYTES, "NONCE")));
        m.put(SOFTWARE, (b, o, l) -> new Software(Text.utf8(b, o, l, Software.MAX_BYTES, "SOFTWARE")));
        m.put(USERHASH, (b, o, l) -> {
            require(UserHash.validLength(l), "USERHASH", l);
            return new UserHash(Arrays.copyOfRange(b, o, o + l));
        });
        m.put(MESSAGE_INTEGRITY, (b, o, l) -> {
            require(MessageIntegrity.validLength(l), "MESSAGE-INTEGRITY", l);
            return new MessageIntegrity(Arrays.copyOfRange(b, o, o + l));
        });
        m.put(MESSAGE_INTEGRITY_SHA256, (b, o, l) -> {
            require(MessageIntegritySha256.validLength(l), "MESSAGE-INTEGRITY-SHA256", l);
            return new MessageIntegritySha256(Arrays.copyOfRange(b, o, o + l));
        });
        m.put(FINGERPRINT, (b, o, l) -> {
            require(l == 4, "FINGERPRINT", l);
            return new Fingerprint(Bytes.u32(b, o));
        });
        m.put(ERROR_CODE, AttributeRegistry::decodeErrorCode);
        m.put(UNKNOWN_ATTRIBUTES, (b, o, l) -> {
            require(l % 2 == 0, "UNKNOWN-ATTRIBUTES", l);
            List<Integer> types = new ArrayList<>(l / 2);
            for (int i = 0; i < l; i += 2) {
                types.add(Bytes.u16(b, o + i));
            }
            return new UnknownAttributes(types);
        });
        m.put(CHANGE_REQUEST, (b, o, l) -> {
            require(l == 4, "CHANGE-REQUEST", l);
            int flags = Bytes.u32(b, o);
            return new ChangeRequest((flags & ChangeRequest.CHANGE_IP) != 0, (flags & ChangeRequest.CHANGE_PORT) != 0);
        });
        m.put(RESPONSE_PORT, (b, o, l) -> {
            require(l == 4, "RESPONSE-PORT", l);
            return new ResponsePort(Bytes.u16(b, o));
        });
        m.put(PADDING, (b, o, l) -> new Padding(l));
        m.put(PASSWORD_ALGORITHM, (b, o, l) -> {
            List<Integer> algs = decodeAlgorithms(b, o, l, "PASSWORD-ALGORITHM");
            if (algs.size() != 1) {
                throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, "PASSWORD-ALGORITHM holds " + algs.size() + " algorithms");
            }
            return new PasswordAlgorithm(algs.get(0));
        });
        m.put(PASSWORD_ALGORITHMS, (b, o, l) -> new PasswordAlgorithms(decodeAlgorithms(b, o, l, "PASSWORD-ALGORITHMS")));
        return new AttributeRegistry(m);
    }

    /** Entries of algorithm (16 bits), parameter length (16 bits) and padded parameters. */
    private static List<Integer> decodeAlgorithms(byte[] b, int o, int l, String what) throws StunDecodeException {
        List<Integer> out = new ArrayList<>();
        int pos = o;
        int end = o + l;
        while (pos < end) {
            if (end - pos < 4) {
                throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, what + " entry cut short");
            }
            int paramLength = (Bytes.u16(b, pos + 2) + 3) & ~3;
            if (paramLength > end - pos - 4) {
                throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, what + " parameters overrun");
            }
            out.add(Bytes.u16(b, pos));
            pos += 4 + paramLength;
        }
        return out;
    }

    private static StunAttribute decodeErrorCode(byte[] b, int o, int l) throws StunDecodeException {
        if (l < 4) {
            throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, "ERROR-CODE of " + l + " bytes");
        }
        int cls = b[o + 2] & 0x07;
        int number = b[o + 3] & 0xFF;
        if (cls < 3 || cls > 6 || number > 99) {
            throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, "ERROR-CODE class " + cls + " number " + number);
        }
        String reason = Text.utf8(b, o + 4, l - 4, ErrorCode.MAX_REASON_BYTES, "ERROR-CODE reason");
        return new ErrorCode(cls * 100 + number, reason);
    }

    private static void require(boolean ok, String what, int len) throws StunDecodeException {
        if (!ok) {
            throw new StunDecodeException(Reason.BAD_ATTRIBUTE_VALUE, what + " of " + len + " bytes");
        }
    }
}
