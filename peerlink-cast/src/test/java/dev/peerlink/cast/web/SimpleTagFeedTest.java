package dev.peerlink.cast.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.rtmp.flv.FlvTag;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimpleTagFeedTest {
    /** Records what it takes; refuses while {@code full} is set. */
    static final class Recorder implements TagSubscriber {
        final List<FlvTag> got = new ArrayList<>();
        boolean full;
        boolean ended;

        @Override
        public boolean offer(FlvTag tag) {
            if (full) {
                return false;
            }
            got.add(tag);
            return true;
        }

        @Override
        public void end() {
            ended = true;
        }
    }

    @Test
    void lateSubscriberGetsTheConfigurationAtOnceThenStartsAtTheNextKeyFrame() {
        SimpleTagFeed feed = new SimpleTagFeed();
        FlvTag script = Tags.script();
        FlvTag config = Tags.avcConfig();
        feed.publish(script);
        feed.publish(config);
        feed.publish(Tags.key(0, 100));
        feed.publish(Tags.delta(40, 50));

        Recorder late = new Recorder();
        feed.subscribe(late);
        assertThat(late.got).containsExactly(script, config);

        FlvTag d1 = Tags.delta(80, 50);
        FlvTag k2 = Tags.key(120, 100);
        FlvTag d2 = Tags.delta(160, 50);
        feed.publish(d1);
        feed.publish(k2);
        feed.publish(d2);
        assertThat(late.got).containsExactly(script, config, k2, d2);
        assertThat(feed.dropped()).as("waiting for the first key frame is not a drop").isZero();
        assertThat(feed.frames()).isEqualTo(5);
    }

    @Test
    void backedUpSubscriberLosesFramesUntilTheNextKeyFrameWhileOthersGetEverything() {
        SimpleTagFeed feed = new SimpleTagFeed();
        Recorder slow = new Recorder();
        Recorder fast = new Recorder();
        feed.subscribe(slow);
        feed.subscribe(fast);
        feed.publish(Tags.avcConfig());
        FlvTag k1 = Tags.key(0, 10);
        feed.publish(k1);

        slow.full = true;
        feed.publish(Tags.delta(40, 10)); // refused
        slow.full = false;
        feed.publish(Tags.delta(80, 10)); // could be taken, but cannot decode without the refused one
        FlvTag k2 = Tags.key(120, 10);
        feed.publish(k2);

        assertThat(slow.got).extracting(FlvTag::timestamp).containsExactly(0L, 0L, 120L);
        assertThat(slow.got.get(2)).isSameAs(k2);
        assertThat(fast.got).hasSize(5);
        assertThat(feed.dropped()).isEqualTo(2);
    }

    @Test
    void missedSequenceHeaderIsResentBeforeTheNextKeyFrame() {
        SimpleTagFeed feed = new SimpleTagFeed();
        Recorder r = new Recorder();
        feed.subscribe(r);
        r.full = true;
        FlvTag config = Tags.avcConfig();
        feed.publish(config);
        r.full = false;
        feed.publish(Tags.delta(0, 10));
        FlvTag key = Tags.key(40, 10);
        feed.publish(key);
        assertThat(r.got).containsExactly(config, key);
    }

    @Test
    void endEndsSubscribersAndForgetsTheStreamsConfiguration() {
        SimpleTagFeed feed = new SimpleTagFeed();
        Recorder r = new Recorder();
        feed.subscribe(r);
        feed.publish(Tags.avcConfig());
        feed.end();
        assertThat(r.ended).isTrue();
        assertThat(feed.subscribers()).isZero();

        Recorder next = new Recorder();
        feed.subscribe(next);
        assertThat(next.got).as("the old stream's sequence header would misconfigure the decoder").isEmpty();
    }

    @Test
    void closedSubscriptionReceivesNothingMore() {
        SimpleTagFeed feed = new SimpleTagFeed();
        Recorder r = new Recorder();
        Subscription s = feed.subscribe(r);
        feed.publish(Tags.key(0, 10));
        s.close();
        s.close();
        feed.publish(Tags.key(40, 10));
        assertThat(r.got).hasSize(1);
        assertThat(feed.subscribers()).isZero();
    }
}
