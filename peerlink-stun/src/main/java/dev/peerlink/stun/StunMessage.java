package dev.peerlink.stun;

import dev.peerlink.stun.attribute.Fingerprint;
import dev.peerlink.stun.attribute.MessageIntegrity;
import dev.peerlink.stun.attribute.MessageIntegritySha256;
import dev.peerlink.stun.attribute.RawAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable STUN message. Built messages hold the attributes to encode; integrity and
 * fingerprint are added by {@link StunEncoder} from a {@link MessageProtection}. Decoded messages
 * also keep their exact bytes, so {@link StunIntegrity} can verify them.
 */
public final class StunMessage {
    public static final int HEADER_LENGTH = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;

    private final StunMethod method;
    private final StunClass messageClass;
    private final TransactionId transactionId;
    private final List<StunAttribute> attributes;
    private final byte[] raw; // exact decoded bytes, null for built messages
    private final int integrityOffset; // offsets of the attribute headers in raw, -1 if absent
    private final int integritySha256Offset;
    // MAGIC_COOKIE, or for an RFC 3489 message the first 4 bytes of its 128-bit transaction ID
    private final int cookie;

    StunMessage(StunMethod method, StunClass messageClass, TransactionId transactionId, List<StunAttribute> attributes,
                byte[] raw, int integrityOffset, int integritySha256Offset, int cookie) {
        this.method = Objects.requireNonNull(method, "method");
        this.messageClass = Objects.requireNonNull(messageClass, "messageClass");
        this.transactionId = Objects.requireNonNull(transactionId, "transactionId");
        this.attributes = List.copyOf(attributes);
        this.raw = raw;
        this.integrityOffset = integrityOffset;
        this.integritySha256Offset = integritySha256Offset;
        this.cookie = cookie;
    }

    public static Builder builder(StunMethod method, StunClass messageClass, TransactionId transactionId) {
        return new Builder(method, messageClass, transactionId);
    }

    /** A request with a fresh random transaction ID. */
    public static Builder request(StunMethod method) {
        return new Builder(method, StunClass.REQUEST, TransactionId.random());
    }

    /** A response of the given class to this message, same method and transaction ID. */
    public Builder respond(StunClass responseClass) {
        return new Builder(method, responseClass, transactionId, cookie);
    }

    /**
     * The 4 header bytes after the length: {@link #MAGIC_COOKIE}, or for an RFC 3489 ("classic")
     * message the first 4 bytes of its 128-bit transaction ID, which a response must echo.
     */
    public int cookie() {
        return cookie;
    }

    /** True for an RFC 3489 message: no magic cookie (RFC 8489 §12). */
    public boolean isClassic() {
        return cookie != MAGIC_COOKIE;
    }

    public StunMethod method() {
        return method;
    }

    public StunClass messageClass() {
        return messageClass;
    }

    public TransactionId transactionId() {
        return transactionId;
    }

    public List<StunAttribute> attributes() {
        return attributes;
    }

    /** The first attribute of the given class. */
    public <T extends StunAttribute> Optional<T> attribute(Class<T> type) {
        for (StunAttribute a : attributes) {
            if (type.isInstance(a)) {
                return Optional.of(type.cast(a));
            }
        }
        return Optional.empty();
    }

    public boolean has(int attributeType) {
        for (StunAttribute a : attributes) {
            if (a.type() == attributeType) {
                return true;
            }
        }
        return false;
    }

    /** Comprehension-required attributes this codec could not interpret (answer with 420). */
    public List<Integer> unknownComprehensionRequired(AttributeRegistry registry) {
        List<Integer> out = new ArrayList<>();
        for (StunAttribute a : attributes) {
            if (a instanceof RawAttribute r && StunAttribute.isComprehensionRequired(r.type()) && !registry.knows(r.type())) {
                out.add(r.type());
            }
        }
        return out;
    }

    /** The exact bytes this message was decoded from, or empty for a built message. */
    public Optional<byte[]> rawBytes() {
        return raw == null ? Optional.empty() : Optional.of(raw.clone());
    }

    byte[] rawUnsafe() {
        return raw;
    }

    int integrityOffset() {
        return integrityOffset;
    }

    int integritySha256Offset() {
        return integritySha256Offset;
    }

    @Override
    public String toString() {
        return method + " " + messageClass + " " + transactionId + " " + attributes;
    }

    /** Collects attributes in order. MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT are the encoder's job. */
    public static final class Builder {
        private final StunMethod method;
        private final StunClass messageClass;
        private final TransactionId transactionId;
        private final List<StunAttribute> attributes = new ArrayList<>(6);
        private int cookie;

        private Builder(StunMethod method, StunClass messageClass, TransactionId transactionId) {
            this(method, messageClass, transactionId, MAGIC_COOKIE);
        }

        private Builder(StunMethod method, StunClass messageClass, TransactionId transactionId, int cookie) {
            this.method = method;
            this.messageClass = messageClass;
            this.transactionId = transactionId;
            this.cookie = cookie;
        }

        /**
         * Makes this an RFC 3489 message whose 128-bit transaction ID starts with {@code idPrefix}
         * (which must not equal the magic cookie). Only MAPPED-ADDRESS-style attributes make sense in it.
         */
        public Builder classic(int idPrefix) {
            if (idPrefix == MAGIC_COOKIE) {
                throw new IllegalArgumentException("an RFC 3489 transaction ID cannot start with the magic cookie");
            }
            this.cookie = idPrefix;
            return this;
        }

        public Builder add(StunAttribute attribute) {
            if (attribute instanceof MessageIntegrity || attribute instanceof MessageIntegritySha256
                    || attribute instanceof Fingerprint) {
                throw new IllegalArgumentException(attribute.getClass().getSimpleName()
                        + " is computed by StunEncoder; pass a MessageProtection instead");
            }
            attributes.add(Objects.requireNonNull(attribute));
            return this;
        }

        public StunMessage build() {
            return new StunMessage(method, messageClass, transactionId, attributes, null, -1, -1, cookie);
        }
    }
}
