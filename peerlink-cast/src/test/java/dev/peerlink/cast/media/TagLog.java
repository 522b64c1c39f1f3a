package dev.peerlink.cast.media;

import dev.peerlink.rtmp.flv.FlvTag;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Collects an encoder's tags with the wall-clock time each arrived. */
final class TagLog implements Consumer<FlvTag> {
    record Arrival(FlvTag tag, long wallMillis) {}

    private final List<Arrival> arrivals = new ArrayList<>();

    @Override
    public synchronized void accept(FlvTag tag) {
        arrivals.add(new Arrival(tag, System.currentTimeMillis()));
    }

    synchronized List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    synchronized List<FlvTag> tags() {
        return arrivals.stream().map(Arrival::tag).toList();
    }

    /** Video tags carrying a picture (AVC NALUs), in order. */
    synchronized List<FlvTag> frames() {
        return tags().stream().filter(TagLog::isPicture).toList();
    }

    synchronized int frameCount() {
        return (int) arrivals.stream().filter(a -> isPicture(a.tag())).count();
    }

    static boolean isPicture(FlvTag t) {
        return t.isVideo() && t.body().length > 5 && (t.body()[0] & 0x0F) == 7 && t.body()[1] == 1;
    }

    /** The composition time offset (SI24 at body bytes 2..4): non-zero only with B-frames. */
    static int compositionTime(FlvTag t) {
        byte[] b = t.body();
        return ((b[2] << 16) | ((b[3] & 0xFF) << 8) | (b[4] & 0xFF));
    }

    static boolean isOnMetaData(FlvTag t) {
        byte[] b = t.body();
        return t.type() == FlvTag.SCRIPT && b.length > 13 && b[0] == 2 && new String(b, 3, 10, java.nio.charset.StandardCharsets.US_ASCII).equals("onMetaData");
    }
}
