package dev.peerlink.rtmp.flv;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Incremental FLV demux (FLV spec v10, annex E): feed bytes as they arrive (an encoder's stdout, an HTTP-FLV body, a
 * file) and get whole tags. Tags other than audio, video and script data are skipped (the spec reserves them);
 * encrypted tags (Filter bit) are refused. PreviousTagSize is checked, so a stream cut or spliced mid-tag is reported,
 * not silently misparsed.
 */
public final class FlvReader {
    /** Default cap on one tag body: far above any 1080p key frame at sane bitrates, far below the 16 MiB field limit. */
    public static final int DEFAULT_MAX_TAG = 4 << 20;

    private final int maxTag;
    private boolean headerDone;
    private boolean audio;
    private boolean video;

    public FlvReader() {
        this(DEFAULT_MAX_TAG);
    }

    public FlvReader(int maxTagBody) {
        if (maxTagBody < 1 || maxTagBody > 0xFF_FFFF) {
            throw new IllegalArgumentException("max tag body 1..16777215: " + maxTagBody);
        }
        this.maxTag = maxTagBody;
    }

    /** True once the header was read and it announced audio (resp. video) tags. */
    public boolean hasAudio() {
        return audio;
    }

    public boolean hasVideo() {
        return video;
    }

    /** Consumes every complete header/tag in {@code in} (leaving a partial one unread) and hands tags to {@code out}. */
    public void decode(ByteBuf in, Consumer<FlvTag> out) throws RtmpException {
        if (!headerDone) {
            if (in.readableBytes() < FlvWriter.HEADER_SIZE) {
                return;
            }
            readHeader(in);
        }
        while (in.readableBytes() >= FlvWriter.TAG_OVERHEAD) {
            int start = in.readerIndex();
            int flags = in.getUnsignedByte(start);
            int size = in.getUnsignedMedium(start + 1);
            if ((flags & 0xE0) != 0) { // two reserved bits, then Filter (encrypted)
                throw new RtmpException(Reason.BAD_FLV_TAG, "reserved or filter (encrypted) bits set: 0x" + Integer.toHexString(flags));
            }
            if (size > maxTag) {
                throw new RtmpException(Reason.BAD_FLV_TAG, "tag body of " + size + " bytes over the limit " + maxTag);
            }
            if (in.readableBytes() < FlvWriter.TAG_OVERHEAD + size) {
                return;
            }
            long ts = in.getUnsignedMedium(start + 4) | ((long) in.getUnsignedByte(start + 7) << 24);
            long trailer = in.getUnsignedInt(start + 11 + size);
            if (trailer != 11L + size) {
                throw new RtmpException(Reason.BAD_FLV_TAG, "PreviousTagSize " + trailer + " after a tag of " + (11 + size) + " bytes");
            }
            in.skipBytes(11);
            byte[] body = new byte[size];
            in.readBytes(body);
            in.skipBytes(4);
            int type = flags & 0x1F;
            if (type == FlvTag.AUDIO || type == FlvTag.VIDEO || type == FlvTag.SCRIPT) {
                out.accept(new FlvTag(type, ts, body));
            }
        }
    }

    private void readHeader(ByteBuf in) throws RtmpException {
        int start = in.readerIndex();
        if (in.getByte(start) != 'F' || in.getByte(start + 1) != 'L' || in.getByte(start + 2) != 'V') {
            throw new RtmpException(Reason.BAD_FLV_HEADER, "no FLV signature");
        }
        if (in.getByte(start + 3) != 1) {
            throw new RtmpException(Reason.BAD_FLV_HEADER, "version " + in.getUnsignedByte(start + 3));
        }
        long dataOffset = in.getUnsignedInt(start + 5);
        if (dataOffset != 9) {
            // version 1 headers are 9 bytes; anything else is another format or garbage
            throw new RtmpException(Reason.BAD_FLV_HEADER, "header size " + dataOffset);
        }
        if (in.getInt(start + 9) != 0) {
            throw new RtmpException(Reason.BAD_FLV_HEADER, "PreviousTagSize0 is not 0");
        }
        int flags = in.getUnsignedByte(start + 4);
        audio = (flags & 0x04) != 0;
        video = (flags & 0x01) != 0;
        in.skipBytes(FlvWriter.HEADER_SIZE);
        headerDone = true;
    }

    /** Reads {@code in} to its end, handing each tag to {@code out}; a stream that ends mid-tag is TRUNCATED. */
    public void readAll(InputStream in, Consumer<FlvTag> out) throws IOException, RtmpException {
        ByteBuf buf = Unpooled.buffer(64 * 1024);
        try {
            byte[] chunk = new byte[64 * 1024];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                buf.writeBytes(chunk, 0, n);
                decode(buf, out);
                buf.discardReadBytes();
            }
            if (buf.isReadable() || !headerDone) {
                throw new RtmpException(Reason.TRUNCATED, buf.readableBytes() + " bytes of an incomplete " + (headerDone ? "tag" : "header"));
            }
        } finally {
            buf.release();
        }
    }
}
