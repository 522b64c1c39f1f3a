package dev.peerlink.stun;

import java.io.ByteArrayOutputStream;

/** Hand-assembles STUN bytes, including malformed ones the encoder refuses to produce. */
final class WireBuilder {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int type = 0x0001;
    private int cookie = StunMessage.MAGIC_COOKIE;
    private Integer lengthOverride;
    private final byte[] tid = TestBytes.hex("0102030405060708090a0b0c");

    static WireBuilder request() {
        return new WireBuilder();
    }

    WireBuilder type(int t) {
        type = t;
        return this;
    }

    WireBuilder cookie(int c) {
        cookie = c;
        return this;
    }

    WireBuilder length(int l) {
        lengthOverride = l;
        return this;
    }

    /** An attribute with correct length and zero padding. */
    WireBuilder attr(int attrType, byte[] value) {
        return attr(attrType, value.length, value, (4 - (value.length & 3)) & 3);
    }

    /** An attribute with an arbitrary length field, value bytes and padding count. */
    WireBuilder attr(int attrType, int lengthField, byte[] value, int padding) {
        u16(attrType);
        u16(lengthField);
        body.writeBytes(value);
        body.writeBytes(new byte[padding]);
        return this;
    }

    WireBuilder raw(byte[] bytes) {
        body.writeBytes(bytes);
        return this;
    }

    private void u16(int v) {
        body.write(v >>> 8);
        body.write(v);
    }

    byte[] build() {
        byte[] b = body.toByteArray();
        int len = lengthOverride != null ? lengthOverride : b.length;
        byte[] out = new byte[20 + b.length];
        out[0] = (byte) (type >>> 8);
        out[1] = (byte) type;
        out[2] = (byte) (len >>> 8);
        out[3] = (byte) len;
        out[4] = (byte) (cookie >>> 24);
        out[5] = (byte) (cookie >>> 16);
        out[6] = (byte) (cookie >>> 8);
        out[7] = (byte) cookie;
        System.arraycopy(tid, 0, out, 8, 12);
        System.arraycopy(b, 0, out, 20, b.length);
        return out;
    }
}
