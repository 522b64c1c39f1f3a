package dev.peerlink.stun.server.internal;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.server.StunReply;
import dev.peerlink.stun.server.StunRequest.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The hot path for the most common request, a bare 20-byte Binding request (no attributes): instead
 * of decode, build and encode, copy a response template and patch in the transaction ID and the
 * client's address. Templates are produced once per socket and address family by the general path
 * ({@link BindingHandler} and {@link StunEncoder}), so both paths give the same bytes by construction.
 */
public final class FastBinding {
    private static final int BINDING_REQUEST_HEADER = 0x0001_0000; // type Binding request, length 0
    private static final int COOKIE = StunMessage.MAGIC_COOKIE;

    /** A response with the positions of the two address values to patch. */
    private record Template(byte[] bytes, int xorValue, int mappedValue) {}

    private final Template[] v4;
    private final Template[] v6;

    FastBinding(SocketLayout layout, BindingHandler binding) {
        v4 = new Template[layout.size()];
        v6 = new Template[layout.size()];
        for (int i = 0; i < layout.size(); i++) {
            v4[i] = template(layout, binding, i, "192.0.2.1");
            v6[i] = template(layout, binding, i, "2001:db8::1");
        }
    }

    /** A bare Binding request: 20 bytes, Binding request type, zero length, magic cookie. */
    public static boolean matches(ByteBuf in) {
        int r = in.readerIndex();
        return in.readableBytes() == StunMessage.HEADER_LENGTH
                && in.getInt(r) == BINDING_REQUEST_HEADER
                && in.getInt(r + 4) == COOKIE;
    }

    /** The response to a request that {@link #matches}; null if there is no template (never in practice). */
    public ByteBuf respond(ByteBuf in, InetSocketAddress source, int localIndex, ByteBufAllocator alloc) {
        byte[] ip = source.getAddress().getAddress();
        Template t = ip.length == 4 ? v4[localIndex] : v6[localIndex];
        if (t == null) {
            return null;
        }
        int r = in.readerIndex();
        ByteBuf out = alloc.directBuffer(t.bytes.length);
        out.writeBytes(t.bytes);
        out.setBytes(8, in, r + 8, 12); // transaction ID
        int port = source.getPort();
        if (t.xorValue >= 0) {
            out.setShort(t.xorValue + 2, port ^ (COOKIE >>> 16));
            for (int i = 0; i < ip.length; i++) {
                // XOR pad: magic cookie, then the transaction ID (RFC 8489 §14.2).
                int pad = i < 4 ? COOKIE >>> (24 - 8 * i) : in.getByte(r + 8 + i - 4);
                out.setByte(t.xorValue + 4 + i, ip[i] ^ pad);
            }
        }
        if (t.mappedValue >= 0) {
            out.setShort(t.mappedValue + 2, port);
            out.setBytes(t.mappedValue + 4, ip);
        }
        return out;
    }

    private static Template template(SocketLayout layout, BindingHandler binding, int localIndex, String sample) {
        try {
            InetSocketAddress source = new InetSocketAddress(InetAddress.getByName(sample), 1);
            StunMessage request = StunMessage.request(StunMethod.BINDING).build();
            StunReply reply = binding.handle(new RequestContext(request, StunMessage.HEADER_LENGTH, source, localIndex,
                    Protocol.UDP, layout));
            if (reply == null || reply.changeIp() || reply.changePort() || reply.responsePort() != 0) {
                return null;
            }
            byte[] bytes = StunEncoder.standard().encode(reply.message(), reply.protection());
            if (bytes.length > AmplificationRule.maxReply(StunMessage.HEADER_LENGTH)) {
                return null;
            }
            StunDecoder.standard().decode(bytes); // the template must be well-formed
            return new Template(bytes, valueOffset(bytes, AttributeType.XOR_MAPPED_ADDRESS),
                    valueOffset(bytes, AttributeType.MAPPED_ADDRESS));
        } catch (UnknownHostException | StunDecodeException e) {
            throw new IllegalStateException("cannot build the Binding response template", e);
        }
    }

    private static int valueOffset(byte[] msg, int type) {
        int pos = StunMessage.HEADER_LENGTH;
        while (pos + 4 <= msg.length) {
            int t = ((msg[pos] & 0xFF) << 8) | (msg[pos + 1] & 0xFF);
            int len = ((msg[pos + 2] & 0xFF) << 8) | (msg[pos + 3] & 0xFF);
            if (t == type) {
                return pos + 4;
            }
            pos += 4 + ((len + 3) & ~3);
        }
        return -1;
    }
}
