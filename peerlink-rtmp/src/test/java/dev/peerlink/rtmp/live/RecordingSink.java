package dev.peerlink.rtmp.live;

import dev.peerlink.rtmp.flv.FlvTag;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A sink that records what it takes and refuses while {@link #refusing} is set, like a backed-up channel. */
class RecordingSink implements LiveSink {
    final List<FlvTag> taken = new ArrayList<>();
    final AtomicInteger ends = new AtomicInteger();
    volatile boolean refusing;

    @Override
    public synchronized boolean offer(FlvTag tag) {
        if (refusing) {
            return false;
        }
        taken.add(tag);
        return true;
    }

    @Override
    public void onEnd() {
        ends.incrementAndGet();
    }

    synchronized List<FlvTag> media() {
        return taken.stream().filter(t -> !SyntheticStream.isConfig(t)).toList();
    }

    synchronized List<Integer> serials() {
        return media().stream().map(SyntheticStream::serial).toList();
    }

    synchronized List<FlvTag> taken() {
        return List.copyOf(taken);
    }
}
