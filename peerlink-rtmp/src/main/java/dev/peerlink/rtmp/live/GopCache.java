package dev.peerlink.rtmp.live;

import dev.peerlink.rtmp.flv.FlvTag;
import java.util.ArrayList;
import java.util.List;

/** The media since the last video key frame, for subscribers that start with a picture. Bounded; not thread-safe. */
final class GopCache {
    private final long maxBytes;
    private final List<FlvTag> tags = new ArrayList<>();
    private long bytes;
    /** False before the first key frame and after an overflow, until the next key frame. */
    private boolean valid;

    GopCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    void add(FlvTag media) {
        if (media.isKeyFrame()) {
            clear();
            valid = maxBytes > 0;
        }
        if (!valid) {
            return;
        }
        if (bytes + media.body().length > maxBytes) {
            clear();
            return;
        }
        tags.add(media);
        bytes += media.body().length;
    }

    /** The cached GOP starting at its key frame, or empty when none is usable. */
    List<FlvTag> snapshot() {
        return valid ? List.copyOf(tags) : List.of();
    }

    void clear() {
        tags.clear();
        bytes = 0;
        valid = false;
    }
}
