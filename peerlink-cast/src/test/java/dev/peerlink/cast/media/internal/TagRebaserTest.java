package dev.peerlink.cast.media.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.rtmp.flv.FlvTag;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TagRebaserTest {
    private final AtomicLong wall = new AtomicLong(1_000_000);
    private final TagRebaser rebaser = new TagRebaser(25, wall::get); // 40 ms frames

    private static FlvTag video(long ts) {
        return new FlvTag(FlvTag.VIDEO, ts, new byte[] {0x27, 1, 0, 0, 0});
    }

    @Test
    void firstRunPassesThroughUnchanged() {
        FlvTag meta = new FlvTag(FlvTag.SCRIPT, 0, new byte[] {2});
        assertThat(rebaser.apply(meta)).isSameAs(meta);
        assertThat(rebaser.apply(video(0)).timestamp()).isZero();
        assertThat(rebaser.apply(video(40)).timestamp()).isEqualTo(40);
        assertThat(rebaser.lastTimestamp()).isEqualTo(40);
    }

    @Test
    void restartContinuesAfterTheLastTagByTheWallClockGap() {
        for (long ts = 0; ts <= 2000; ts += 40) {
            rebaser.apply(video(ts));
            wall.addAndGet(40);
        }
        rebaser.newRun();
        wall.addAndGet(310); // ffmpeg start-up
        assertThat(rebaser.apply(new FlvTag(FlvTag.SCRIPT, 0, new byte[] {2}))).as("repeated onMetaData").isNull();
        FlvTag seqHeader = rebaser.apply(new FlvTag(FlvTag.VIDEO, 0, new byte[] {0x17, 0, 0, 0, 0}));
        FlvTag key = rebaser.apply(new FlvTag(FlvTag.VIDEO, 0, new byte[] {0x17, 1, 0, 0, 0}));
        FlvTag next = rebaser.apply(video(40));
        // the last frame was at 2000 and handed on 40 ms of wall time before the increment loop ended; 350 ms passed
        assertThat(seqHeader.timestamp()).isEqualTo(2000 + 350);
        assertThat(key.timestamp()).isEqualTo(2350);
        assertThat(next.timestamp()).isEqualTo(2390);
        assertThat(key.body()[0]).isEqualTo((byte) 0x17);
    }

    @Test
    void quickRestartStillAdvancesByAFrame() {
        rebaser.apply(video(0));
        rebaser.apply(video(40));
        rebaser.newRun();
        assertThat(rebaser.apply(video(0)).timestamp()).isEqualTo(80);
    }

    @Test
    void neverGoesBackwards() {
        rebaser.apply(video(0));
        rebaser.apply(video(200));
        assertThat(rebaser.apply(video(150)).timestamp()).isEqualTo(200);
    }
}
