package dev.peerlink.rtmp.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.rtmp.live.LiveOptions.StartMode;
import dev.peerlink.rtmp.live.PublishResult.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The relay's joining, key-frame alignment, rebasing and publisher policies on seeded synthetic streams. */
class LiveHubTest {
    static final long SEED = 0x11FE_0014L;

    static LivePublisher publish(LiveHub hub, String key, SyntheticStream s) {
        PublishResult r = hub.publish(key);
        assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
        s.configs.forEach(r.publisher()::push);
        return r.publisher();
    }

    static List<Integer> serialsFrom(SyntheticStream s, int fromIndex) {
        return s.media.subList(fromIndex, s.media.size()).stream().map(SyntheticStream::serial).toList();
    }

    /** Index of the first video key frame at or after {@code index}. */
    static int nextKey(SyntheticStream s, int index) {
        return IntStream.range(index, s.media.size()).filter(i -> s.media.get(i).isKeyFrame()).findFirst().orElseThrow();
    }

    static void assertStartsWithConfigsThenKeyFrameAtZero(RecordingSink sink, int configs) {
        List<FlvTag> taken = sink.taken();
        assertThat(taken.subList(0, configs)).allMatch(SyntheticStream::isConfig).allMatch(t -> t.timestamp() == 0);
        FlvTag first = taken.get(configs);
        assertThat(first.isKeyFrame()).as("first media %s", first).isTrue();
        assertThat(first.timestamp()).isZero();
    }

    @Test
    void subscriberBeforeThePublisherGetsEverythingFromTheFirstKeyFrame() {
        LiveHub hub = new LiveHub();
        RecordingSink sink = new RecordingSink();
        Subscription sub = hub.subscribe("k", sink);
        SyntheticStream s = new SyntheticStream(SEED, 30, 30, 90, true, true, 10_000);
        LivePublisher p = publish(hub, "k", s);
        s.media.forEach(p::push);

        assertStartsWithConfigsThenKeyFrameAtZero(sink, 3);
        int firstKey = nextKey(s, 0);
        assertThat(sink.serials()).isEqualTo(serialsFrom(s, firstKey));
        // rebased: every media tag keeps its distance from the first key frame
        long base = s.media.get(firstKey).timestamp();
        assertThat(sink.media()).extracting(FlvTag::timestamp)
                .isEqualTo(s.media.subList(firstKey, s.media.size()).stream().map(t -> Math.max(0, t.timestamp() - base)).toList());
        SubscriberStats st = sub.stats();
        assertThat(st.framesOut()).isEqualTo(st.framesIn()).isEqualTo(s.media.size() - firstKey);
        assertThat(st.dropped()).isZero();
        assertThat(hub.stats("k").orElseThrow().framesIn()).isEqualTo(s.media.size());
    }

    @Test
    void lateSubscriberWaitsForTheNextKeyFrame() {
        LiveHub hub = new LiveHub();
        SyntheticStream s = SyntheticStream.standard(SEED);
        LivePublisher p = publish(hub, "k", s);
        int joinAt = 200; // mid-GOP
        s.media.subList(0, joinAt).forEach(p::push);
        RecordingSink sink = new RecordingSink();
        hub.subscribe("k", sink);
        assertThat(sink.taken()).hasSize(3).allMatch(SyntheticStream::isConfig);
        s.media.subList(joinAt, s.media.size()).forEach(p::push);

        assertStartsWithConfigsThenKeyFrameAtZero(sink, 3);
        assertThat(sink.serials()).isEqualTo(serialsFrom(s, nextKey(s, joinAt)));
        assertThat(nextKey(s, joinAt)).isGreaterThan(joinAt);
    }

    @Test
    void cachedGopGivesALateSubscriberAPictureAtOnce() {
        LiveHub hub = new LiveHub(LiveOptions.DEFAULT.withBacklog(2 << 20, 5_000));
        SyntheticStream s = SyntheticStream.standard(SEED);
        LivePublisher p = publish(hub, "k", s);
        int joinAt = 200;
        s.media.subList(0, joinAt).forEach(p::push);
        RecordingSink sink = new RecordingSink();
        hub.subscribe("k", sink, StartMode.CACHED_GOP);

        int lastKey = IntStream.range(0, joinAt).filter(i -> s.media.get(i).isKeyFrame()).max().orElseThrow();
        assertStartsWithConfigsThenKeyFrameAtZero(sink, 3);
        assertThat(sink.serials()).as("the GOP so far, before the publisher sends more")
                .isEqualTo(s.media.subList(lastKey, joinAt).stream().map(SyntheticStream::serial).toList());
        s.media.subList(joinAt, s.media.size()).forEach(p::push);
        assertThat(sink.serials()).isEqualTo(serialsFrom(s, lastKey));
    }

    @Test
    void slowSubscriberIsCutBackToTheNextKeyFrameWhileAFastOneGetsEverything() {
        LiveHub hub = new LiveHub(); // 500 ms backlog
        SyntheticStream s = SyntheticStream.standard(SEED);
        RecordingSink fast = new RecordingSink();
        RecordingSink slow = new RecordingSink();
        hub.subscribe("k", fast);
        Subscription slowSub = hub.subscribe("k", slow);
        LivePublisher p = publish(hub, "k", s);
        int stallFrom = 100;
        int stallTo = 180; // about 1.8 s of media: beyond the budget
        long maxPendingBytes = 0;
        for (int i = 0; i < s.media.size(); i++) {
            slow.refusing = i >= stallFrom && i < stallTo;
            if (i == stallTo) {
                slowSub.drain(); // the transport became writable again
            }
            p.push(s.media.get(i));
            maxPendingBytes = Math.max(maxPendingBytes, slowSub.stats().pendingBytes());
        }

        assertThat(fast.serials()).isEqualTo(serialsFrom(s, nextKey(s, 0)));
        SubscriberStats st = slowSub.stats();
        assertThat(st.skips()).isGreaterThanOrEqualTo(1);
        assertThat(st.dropped()).isPositive();
        assertThat(st.framesIn()).isEqualTo(st.framesOut() + st.dropped()).isEqualTo(s.media.size() - nextKey(s, 0));
        assertThat(maxPendingBytes).isLessThanOrEqualTo(LiveOptions.DEFAULT.backlogBytes());
        // what it got: everything before the stall, then a jump that lands on a key frame, then everything
        List<Integer> got = slow.serials();
        int gap = IntStream.range(1, got.size()).filter(i -> got.get(i) != got.get(i - 1) + 1).findFirst().orElseThrow();
        FlvTag resumed = slow.media().get(gap);
        assertThat(resumed.isKeyFrame()).isTrue();
        assertThat(got.subList(gap, got.size())).isEqualTo(serialsFrom(s, s.media.indexOf(
                s.media.stream().filter(t -> SyntheticStream.serial(t) == got.get(gap)).findFirst().orElseThrow())));
        // the skip keeps the timeline: the resumed key frame sits at its real distance from the first frame
        assertThat(resumed.timestamp()).isEqualTo(
                s.media.stream().filter(t -> SyntheticStream.serial(t) == got.get(gap)).findFirst().orElseThrow().timestamp());
        assertThat(IntStream.range(1, got.size()).filter(i -> got.get(i) != got.get(i - 1) + 1).count())
                .as("exactly one discontinuity").isEqualTo(1);
    }

    @Test
    void byteBudgetAlsoTriggersTheSkip() {
        LiveHub hub = new LiveHub(LiveOptions.DEFAULT.withBacklog(20_000, 60_000));
        SyntheticStream s = SyntheticStream.standard(SEED);
        RecordingSink sink = new RecordingSink();
        Subscription sub = hub.subscribe("k", sink);
        LivePublisher p = publish(hub, "k", s);
        sink.refusing = true;
        s.media.subList(0, 40).forEach(p::push);
        SubscriberStats st = sub.stats();
        assertThat(st.skips()).isPositive();
        assertThat(st.pendingBytes()).isLessThanOrEqualTo(20_000);
        assertThat(st.framesOut()).isZero();
        assertThat(st.framesIn()).as("every routed frame is dropped or still pending").isEqualTo(st.dropped() + st.pendingTags());
    }

    @Test
    void refusedTagsWaitAndDrainInOrderWithinTheBudget() {
        LiveHub hub = new LiveHub();
        SyntheticStream s = SyntheticStream.standard(SEED);
        RecordingSink sink = new RecordingSink();
        Subscription sub = hub.subscribe("k", sink);
        LivePublisher p = publish(hub, "k", s);
        sink.refusing = true;
        s.media.subList(0, 10).forEach(p::push); // about 100 ms: within the 500 ms budget
        assertThat(sink.media()).isEmpty();
        assertThat(sub.stats().pendingTags()).isEqualTo(10 - nextKey(s, 0));
        sink.refusing = false;
        sub.drain();
        assertThat(sink.serials()).isEqualTo(serialsFrom(s, nextKey(s, 0)).subList(0, 10 - nextKey(s, 0)));
        assertThat(sub.stats().dropped()).isZero();
    }

    @Test
    void secondPublisherIsRefusedUnlessTheFirstIsStaleOrGone() {
        AtomicLong now = new AtomicLong();
        LiveHub hub = new LiveHub(LiveOptions.DEFAULT, now::get);
        SyntheticStream s = SyntheticStream.standard(SEED);
        PublishResult first = hub.publish("k");
        assertThat(first.outcome()).isEqualTo(Outcome.ACCEPTED);
        RecordingSink sink = new RecordingSink();
        hub.subscribe("k", sink);
        s.configs.forEach(first.publisher()::push);
        first.publisher().push(s.media.get(0));

        now.addAndGet(Duration.ofSeconds(4).toNanos());
        PublishResult busy = hub.publish("k");
        assertThat(busy.outcome()).isEqualTo(Outcome.REFUSED_BUSY);
        assertThat(busy.accepted()).isFalse();

        now.addAndGet(Duration.ofSeconds(2).toNanos()); // 6 s silent > 5 s
        PublishResult replaced = hub.publish("k");
        assertThat(replaced.outcome()).isEqualTo(Outcome.REPLACED_STALE);
        assertThat(first.publisher().isActive()).isFalse();
        assertThat(first.publisher().push(s.media.get(1))).as("the replaced publisher is told to go").isFalse();
        assertThat(sink.ends).hasValue(1);

        replaced.publisher().close();
        assertThat(hub.publish("k").outcome()).isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void publisherEndEndsSubscribersAndANewPublisherStartsFresh() {
        LiveHub hub = new LiveHub();
        SyntheticStream s = SyntheticStream.standard(SEED);
        RecordingSink a = new RecordingSink();
        Subscription subA = hub.subscribe("k", a);
        LivePublisher p = publish(hub, "k", s);
        s.media.subList(0, 50).forEach(p::push);
        p.close();
        p.close();
        assertThat(a.ends).hasValue(1);
        assertThat(subA.isActive()).isFalse();
        assertThat(hub.keys()).as("no publisher, no subscriber: the key is gone").isEmpty();
        assertThat(hub.isPublishing("k")).isFalse();

        RecordingSink b = new RecordingSink();
        hub.subscribe("k", b);
        assertThat(b.taken()).as("the old publisher's configuration went with it").isEmpty();
        SyntheticStream next = new SyntheticStream(SEED + 1, 30, 30, 60, false, true, 0);
        LivePublisher p2 = publish(hub, "k", next);
        next.media.forEach(p2::push);
        assertStartsWithConfigsThenKeyFrameAtZero(b, 2);
        assertThat(b.serials()).isEqualTo(serialsFrom(next, 0));
    }

    @Test
    void audioOnlyStreamStartsAtTheFirstAudioFrame() {
        LiveHub hub = new LiveHub();
        SyntheticStream s = new SyntheticStream(SEED, 30, 30, 60, true, false, 0);
        LivePublisher p = publish(hub, "k", s);
        s.media.subList(0, 5).forEach(p::push);
        RecordingSink sink = new RecordingSink();
        hub.subscribe("k", sink);
        s.media.subList(5, s.media.size()).forEach(p::push);
        assertThat(sink.serials()).isEqualTo(serialsFrom(s, 5));
    }

    @Test
    void aThrowingSinkIsRemovedAndOthersContinue() {
        LiveHub hub = new LiveHub();
        SyntheticStream s = SyntheticStream.standard(SEED);
        RecordingSink good = new RecordingSink();
        hub.subscribe("k", good);
        Subscription bad = hub.subscribe("k", new LiveSink() {
            @Override
            public boolean offer(FlvTag tag) {
                throw new IllegalStateException("transport bug");
            }

            @Override
            public void onEnd() {}
        });
        LivePublisher p = publish(hub, "k", s);
        s.media.forEach(p::push);
        assertThat(bad.isActive()).isFalse();
        assertThat(hub.stats("k").orElseThrow().subscribers()).isEqualTo(1);
        assertThat(good.serials()).isEqualTo(serialsFrom(s, nextKey(s, 0)));
    }

    @Test
    void manySubscribersJoiningAtRandomPointsEachGetAKeyAlignedContiguousSuffix() {
        LiveHub hub = new LiveHub();
        SyntheticStream s = SyntheticStream.standard(SEED);
        LivePublisher p = publish(hub, "k", s);
        SplittableRandom rnd = new SplittableRandom(SEED);
        int n = 200;
        int lastKey = IntStream.range(0, s.media.size()).filter(i -> s.media.get(i).isKeyFrame()).max().orElseThrow();
        int[] joinAt = rnd.ints(n, 0, lastKey + 1).sorted().toArray();
        RecordingSink[] sinks = new RecordingSink[n];
        int next = 0;
        for (int i = 0; i < s.media.size(); i++) {
            while (next < n && joinAt[next] == i) {
                sinks[next] = new RecordingSink();
                hub.subscribe("k", sinks[next++]);
            }
            p.push(s.media.get(i));
        }
        for (int j = 0; j < n; j++) {
            assertStartsWithConfigsThenKeyFrameAtZero(sinks[j], 3);
            assertThat(sinks[j].serials()).isEqualTo(serialsFrom(s, nextKey(s, joinAt[j])));
        }
        assertThat(hub.stats("k").orElseThrow().subscribers()).isEqualTo(n);
    }
}
