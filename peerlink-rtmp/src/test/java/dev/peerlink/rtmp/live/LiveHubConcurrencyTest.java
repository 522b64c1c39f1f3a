package dev.peerlink.rtmp.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.rtmp.flv.FlvTag;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Publishers and churning subscribers on several threads: every subscriber's view stays well formed. */
class LiveHubConcurrencyTest {
    /** Checks, as tags arrive, what any subscriber must see: configs, then a key frame, then serials in order. */
    static final class CheckingSink implements LiveSink {
        final Queue<String> violations;
        final String name;
        boolean sawMedia;
        int lastSerial = -1;
        int media;
        int ends;

        CheckingSink(String name, Queue<String> violations) {
            this.name = name;
            this.violations = violations;
        }

        @Override
        public synchronized boolean offer(FlvTag tag) {
            if (SyntheticStream.isConfig(tag)) {
                if (!sawMedia && tag.timestamp() != 0) {
                    violations.add(name + ": configuration before media not at 0: " + tag);
                }
                return true;
            }
            int serial = SyntheticStream.serial(tag);
            if (!sawMedia && !tag.isKeyFrame()) {
                violations.add(name + ": first media not a key frame: " + tag);
            }
            if (serial <= lastSerial) {
                violations.add(name + ": serial " + serial + " after " + lastSerial);
            }
            sawMedia = true;
            lastSerial = serial;
            media++;
            return true;
        }

        @Override
        public synchronized void onEnd() {
            ends++;
        }
    }

    @Test
    void concurrentPublishersAndSubscribersKeepEveryViewWellFormed() throws Exception {
        LiveHub hub = new LiveHub();
        int keys = 4;
        int churners = 6;
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        List<CheckingSink> steady = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            CheckingSink s = new CheckingSink("steady-" + k, violations);
            steady.add(s);
            hub.subscribe("key" + k, s);
        }
        ExecutorService pool = Executors.newFixedThreadPool(keys + churners);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        List<SyntheticStream> streams = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            SyntheticStream s = SyntheticStream.standard(1000 + k);
            streams.add(s);
            String key = "key" + k;
            futures.add(pool.submit(() -> {
                go.await();
                PublishResult r = hub.publish(key);
                assertThat(r.accepted()).isTrue();
                s.configs.forEach(r.publisher()::push);
                s.media.forEach(r.publisher()::push);
                r.publisher().close();
                return null;
            }));
        }
        for (int c = 0; c < churners; c++) {
            int id = c;
            futures.add(pool.submit(() -> {
                go.await();
                SplittableRandom rnd = new SplittableRandom(77 + id);
                for (int i = 0; i < 2_000; i++) {
                    CheckingSink sink = new CheckingSink("churn-" + id + "-" + i, violations);
                    Subscription sub = hub.subscribe("key" + rnd.nextInt(keys), sink,
                            rnd.nextBoolean() ? LiveOptions.StartMode.NEXT_KEY_FRAME : LiveOptions.StartMode.CACHED_GOP);
                    if (rnd.nextInt(4) == 0) {
                        sub.drain();
                    }
                    sub.cancel();
                    SubscriberStats st = sub.stats();
                    if (st.framesIn() != st.framesOut() + st.dropped()) {
                        violations.add(sink.name + ": counters do not add up: " + st);
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(20, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(violations).isEmpty();
        for (int k = 0; k < keys; k++) {
            CheckingSink s = steady.get(k);
            assertThat(s.ends).isEqualTo(1);
            int firstKey = LiveHubTest.nextKey(streams.get(k), 0);
            assertThat(s.media).as("the steady subscriber of key %d got every frame from the first key frame", k)
                    .isEqualTo(streams.get(k).media.size() - firstKey);
        }
        assertThat(hub.keys()).as("all streams retired").isEmpty();
    }
}
