package dev.peerlink.rtmp.live;

import dev.peerlink.rtmp.command.Metadata;
import dev.peerlink.rtmp.flv.FlvTag;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded stand-in for an encoder's output: onMetaData, AVC and AAC sequence headers, then video at {@code fps} with
 * a key frame every {@code gop} frames interleaved with AAC frames every 23 ms. Each media body carries a serial
 * number so tests can tell exactly which frames a subscriber got.
 */
final class SyntheticStream {
    static final int VIDEO_ID_OFFSET = 5; // after frame/codec, AVCPacketType and the composition time
    static final int AUDIO_ID_OFFSET = 2; // after sound format and AACPacketType

    final List<FlvTag> configs = new ArrayList<>();
    final List<FlvTag> media = new ArrayList<>();

    SyntheticStream(long seed, int fps, int gop, int videoFrames, boolean audio, boolean video, long startTs) {
        SplittableRandom rnd = new SplittableRandom(seed);
        configs.add(new FlvTag(FlvTag.SCRIPT, startTs, Metadata.onMetaDataBody(Map.of("width", 320.0, "framerate", (double) fps))));
        if (video) {
            configs.add(new FlvTag(FlvTag.VIDEO, startTs, new byte[] {0x17, 0, 0, 0, 0, 1, 0x42, 0, 0x1e}));
        }
        if (audio) {
            configs.add(new FlvTag(FlvTag.AUDIO, startTs, new byte[] {(byte) 0xAF, 0, 0x12, 0x10}));
        }
        int serial = 0;
        long audioTs = startTs;
        long end = startTs + (long) videoFrames * 1000 / fps;
        for (int f = 0; f < videoFrames || (!video && audioTs < end); f++) {
            long vts = startTs + (long) f * 1000 / fps;
            while (audio && audioTs <= vts) {
                media.add(tag(FlvTag.AUDIO, audioTs, (byte) 0xAF, 1, AUDIO_ID_OFFSET, serial++, 100 + rnd.nextInt(200)));
                audioTs += 23;
            }
            if (video && f < videoFrames) {
                boolean key = f % gop == 0;
                int size = key ? 5000 + rnd.nextInt(3000) : 500 + rnd.nextInt(1500);
                media.add(tag(FlvTag.VIDEO, vts, (byte) (key ? 0x17 : 0x27), 1, VIDEO_ID_OFFSET, serial++, size));
            }
        }
    }

    static SyntheticStream standard(long seed) {
        return new SyntheticStream(seed, 30, 30, 300, true, true, 0);
    }

    private static FlvTag tag(int type, long ts, byte first, int packetType, int idOffset, int serial, int size) {
        byte[] b = new byte[Math.max(size, idOffset + 4)];
        b[0] = first;
        b[1] = (byte) packetType;
        ByteBuffer.wrap(b).putInt(idOffset, serial);
        return new FlvTag(type, ts, b);
    }

    /** The serial of a media tag made here. */
    static int serial(FlvTag media) {
        return ByteBuffer.wrap(media.body()).getInt(media.isVideo() ? VIDEO_ID_OFFSET : AUDIO_ID_OFFSET);
    }

    static boolean isConfig(FlvTag t) {
        return t.type() == FlvTag.SCRIPT || t.isAvcSequenceHeader() || t.isAacSequenceHeader();
    }
}
