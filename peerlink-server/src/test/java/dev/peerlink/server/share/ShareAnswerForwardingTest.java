package dev.peerlink.server.share;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Message;
import dev.peerlink.server.share.internal.ProviderRegistry;
import dev.peerlink.server.share.internal.RequestIds;
import dev.peerlink.server.share.internal.ShareMaps;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareCodec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cluster mode's routing of access answers: by the instance in the request id, forwarded at most once. */
class ShareAnswerForwardingTest {
    final List<String> forwards = new CopyOnWriteArrayList<>();
    ScheduledExecutorService scheduler;
    ShareService service;

    @BeforeEach
    void start() throws Exception {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        ShareConfig config = ShareConfig.defaults();
        service = new ShareService(config, new ProviderRegistry(), ShareMaps.open(null, config), new ShareService.Devices() {
            @Override
            public boolean isOnline(DeviceId device) {
                return false;
            }

            @Override
            public boolean send(DeviceId device, Message m) {
                return false;
            }

            @Override
            public String publicKey(DeviceId device) {
                return null;
            }
        }, new ShareService.Instances() {
            @Override
            public String self() {
                return "i1";
            }

            @Override
            public boolean forward(String instance, DeviceId provider, Message.Share answer) {
                forwards.add(instance + "<-" + provider.value());
                return true;
            }
        }, scheduler, System::currentTimeMillis);
    }

    @AfterEach
    void stop() {
        service.close();
        scheduler.shutdownNow();
    }

    static Message.Share answer(String request) {
        return ShareCodec.encode("r1", new ShareBody.AccessAnswer(request, false, null, null, "busy"));
    }

    @Test
    void requestIdsNameTheirInstanceAndStaySharingTokens() {
        String longest = "n".repeat(32);
        assertThat(RequestIds.instanceOf(RequestIds.next("i-7_b"))).isEqualTo("i-7_b");
        assertThat(RequestIds.instanceOf(RequestIds.next(longest))).isEqualTo(longest);
        assertThat(RequestIds.next(longest)).matches("[A-Za-z0-9_-]{1,64}");
        assertThat(RequestIds.instanceOf(RequestIds.next(null))).isNull();
        assertThat(RequestIds.next("i1")).isNotEqualTo(RequestIds.next("i1"));
    }

    @Test
    void anAnswerForAFindOnAnotherInstanceIsForwardedThereAndAcknowledged() {
        List<Message> reply = new CopyOnWriteArrayList<>();
        service.onMessage(DeviceId.of("provider"), answer(RequestIds.next("i2")), reply::add);
        assertThat(forwards).containsExactly("i2<-provider");
        assertThat(reply).singleElement().isInstanceOf(Message.Ok.class);
    }

    @Test
    void anAnswerForThisInstanceThatNoFindAwaitsIsRefusedNotForwarded() {
        List<Message> reply = new CopyOnWriteArrayList<>();
        service.onMessage(DeviceId.of("provider"), answer(RequestIds.next("i1")), reply::add);
        assertThat(forwards).isEmpty();
        assertThat(reply).singleElement().isInstanceOfSatisfying(Message.Error.class, e -> assertThat(e.code()).isEqualTo("no-request"));
    }

    @Test
    void aForwardedAnswerIsNeverForwardedAgain() {
        // a provider could name any instance; the receiving instance handles it locally or drops it: no loops
        service.forwardedAnswer(DeviceId.of("provider"), answer(RequestIds.next("i3")));
        assertThat(forwards).isEmpty();
    }
}
