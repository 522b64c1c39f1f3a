package dev.peerlink.cast.web;

import dev.peerlink.rtmp.flv.FlvTag;
import java.util.Arrays;

/** Synthetic FLV tags with the right flag bytes (the bodies are not decodable H.264; the server never decodes). */
final class Tags {
    private Tags() {}

    static FlvTag script() {
        return new FlvTag(FlvTag.SCRIPT, 0, new byte[] {2, 0, 10, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a', 't', 'a'});
    }

    static FlvTag avcConfig() {
        return new FlvTag(FlvTag.VIDEO, 0, new byte[] {0x17, 0, 0, 0, 0, 1, 0x42, (byte) 0xC0, 0x1E});
    }

    static FlvTag key(long ts, int size) {
        return frame(0x17, ts, size);
    }

    static FlvTag delta(long ts, int size) {
        return frame(0x27, ts, size);
    }

    private static FlvTag frame(int flags, long ts, int size) {
        byte[] body = new byte[Math.max(size, 6)];
        Arrays.fill(body, (byte) 0x5A);
        body[0] = (byte) flags;
        body[1] = 1; // AVC NALU
        body[2] = body[3] = body[4] = 0;
        return new FlvTag(FlvTag.VIDEO, ts, body);
    }
}
