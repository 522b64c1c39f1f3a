package dev.peerlink.rtmp.chunk;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Hex vectors, fixtures and decode shortcuts for the chunk tests. */
final class TestBytes {
    private TestBytes() {}

    /** Hex with spaces, newlines and {@code #} comments to the end of the line allowed. */
    static byte[] hex(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            b.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s", ""));
        }
        return HexFormat.of().parseHex(b.toString());
    }

    static byte[] resource(String name) {
        try (InputStream in = TestBytes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return hex(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<RtmpMessage> decodeAll(byte[] bytes) throws RtmpException {
        return decodeAll(new ChunkDecoder(), bytes);
    }

    static List<RtmpMessage> decodeAll(ChunkDecoder decoder, byte[] bytes) throws RtmpException {
        List<RtmpMessage> out = new ArrayList<>();
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        decoder.decode(in, out::add);
        return out;
    }

    /** Feeds {@code bytes} in pieces of {@code step} bytes, as a socket might deliver them. */
    static List<RtmpMessage> decodeInPieces(byte[] bytes, int step) throws RtmpException {
        ChunkDecoder decoder = new ChunkDecoder();
        List<RtmpMessage> out = new ArrayList<>();
        ByteBuf in = Unpooled.buffer();
        for (int i = 0; i < bytes.length; i += step) {
            in.writeBytes(bytes, i, Math.min(step, bytes.length - i));
            decoder.decode(in, out::add);
            in.discardReadBytes();
        }
        return out;
    }

    static byte[] encode(ChunkEncoder encoder, RtmpMessage m, int csid) {
        ByteBuf out = Unpooled.buffer();
        encoder.encode(m, csid, out);
        byte[] b = new byte[out.readableBytes()];
        out.readBytes(b);
        return b;
    }

    /** Compares messages by value (records compare arrays by identity). */
    static String describe(List<RtmpMessage> messages) {
        StringBuilder b = new StringBuilder();
        for (RtmpMessage m : messages) {
            b.append(m.typeId()).append('/').append(m.streamId()).append('@').append(m.timestamp()).append(':')
                    .append(HexFormat.of().formatHex(m.payload())).append('\n');
        }
        return b.toString();
    }
}
