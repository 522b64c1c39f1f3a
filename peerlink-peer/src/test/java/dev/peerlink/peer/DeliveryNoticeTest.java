package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Message;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.server.transfer.TransferConfig;
import dev.peerlink.transfer.client.SendResult;
import dev.peerlink.transfer.client.TransferClient;
import dev.peerlink.transfer.client.TransferCredentials;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer deliveries announced on the target's signalling connection (issue 7: "pushed through its signalling
 * connection"): a device that is online but holds no transfer connection hears of content at once, again until it
 * acknowledges, on coming online, and with the central server's address when the central holds it.
 */
class DeliveryNoticeTest {
    @TempDir
    Path dir;
    final List<AutoCloseable> toClose = new ArrayList<>();
    final DeviceIdentity bob = DeviceIdentity.ephemeral(DeviceId.of("bob"));
    final DeviceIdentity alice = DeviceIdentity.ephemeral(DeviceId.of("alice"));
    final List<Message.Delivery> notices = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    SignalServer server(String name, TransferConfig.Tier tier, Optional<String> central, Duration retry) throws Exception {
        Path d = dir.resolve(name);
        TransferConfig t = TransferConfig.central(TransferConfig.Storage.inDir(d.resolve("transfer")))
                .withTier(tier, central, Optional.of("s3cret"), Optional.of(name)).withDeliveryRetry(retry);
        SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).dataDir(d)
                .mappingMonitor(null).transfer(t).build(), List.of(), id -> Optional.empty());
        toClose.add(s);
        return s;
    }

    SignallingClient online(SignalServer s, DeviceIdentity who) throws Exception {
        SignallingClient c = SignallingClient.builder().server(URI.create(s.url())).identity(who)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(400)).requestTimeout(Duration.ofSeconds(5)).build();
        c.onDelivery(notices::add);
        c.start().get(10, TimeUnit.SECONDS);
        return c;
    }

    static TransferClient transfer(SignalServer s, DeviceIdentity who) throws Exception {
        return TransferClient.connect(URI.create(s.transferUrl()),
                new TransferCredentials.Device(who.deviceId(), who.publicKeyText(), who.privateKey()), TransferClient.Options.defaults());
    }

    long count(long delivery) {
        return notices.stream().filter(n -> n.delivery() == delivery).count();
    }

    int indexOf(long delivery, int nth) {
        int seen = 0;
        for (int i = 0; i < notices.size(); i++) {
            if (notices.get(i).delivery() == delivery && ++seen == nth) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void anOnlineDeviceHearsOfADeliveryOnItsSignallingConnectionAgainUntilItAcknowledges() throws Exception {
        SignalServer server = server("central", TransferConfig.Tier.CENTRAL, Optional.empty(), Duration.ofSeconds(1));
        toClose.add(online(server, bob));
        SendResult sent;
        try (TransferClient a = transfer(server, alice)) {
            sent = a.sendText("hello bob", "bob");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> count(sent.delivery()) >= 1);
        Message.Delivery n = notices.get(indexOf(sent.delivery(), 1));
        assertThat(n.contentId()).isEqualTo(sent.contentId().toString());
        assertThat(n.size()).isEqualTo(9);
        assertThat(n.from()).isEqualTo("alice");
        assertThat(n.name()).isNull();
        assertThat(n.server()).as("held by the server bob is on").isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> count(sent.delivery()) >= 2); // announced again: not acknowledged
        assertThat(server.transfer().orElseThrow().stats().notices()).isGreaterThanOrEqualTo(2);

        try (TransferClient b = transfer(server, bob)) {
            TransferClient.InboxItem item = b.inbox(null).get(0);
            assertThat(item.delivery()).isEqualTo(sent.delivery());
            assertThat(Files.readString(b.download(item, dir.resolve("bob")))).isEqualTo("hello bob");
            b.ack(item.delivery());
        }
        SendResult second;
        try (TransferClient a = transfer(server, alice)) {
            second = a.sendText("and again", "bob");
        }
        // the 2nd and 3rd notices of the new delivery come from retry passes that began after the ack
        await().atMost(Duration.ofSeconds(15)).until(() -> count(second.delivery()) >= 3);
        List<Message.Delivery> after = notices.subList(indexOf(second.delivery(), 2), indexOf(second.delivery(), 3));
        assertThat(after).noneMatch(x -> x.delivery() == sent.delivery());
    }

    @Test
    void aDeviceComingOnlineHearsOfWhatWaitsWithoutWaitingForARetry() throws Exception {
        SignalServer server = server("central", TransferConfig.Tier.CENTRAL, Optional.empty(), Duration.ofHours(1));
        online(server, bob).close(); // known to the server, then offline
        SendResult sent;
        try (TransferClient a = transfer(server, alice)) {
            sent = a.sendText("while you were out", "bob");
        }
        assertThat(notices).isEmpty();
        toClose.add(online(server, bob));
        await().atMost(Duration.ofSeconds(10)).until(() -> count(sent.delivery()) >= 1);
        assertThat(notices.get(0).contentId()).isEqualTo(sent.contentId().toString());
    }

    @Test
    void retryPassesSkipTargetsThatAreOffline() throws Exception {
        SignalServer server = server("central", TransferConfig.Tier.CENTRAL, Optional.empty(), Duration.ofSeconds(1));
        DeviceIdentity carol = DeviceIdentity.ephemeral(DeviceId.of("carol"));
        online(server, bob).close(); // known, then offline
        toClose.add(online(server, carol));
        SendResult toBob;
        SendResult toCarol;
        try (TransferClient a = transfer(server, alice)) {
            toBob = a.sendText("for bob", "bob");
            toCarol = a.sendText("for carol", "carol");
        }
        // carol's repeats show retry passes ran; bob's delivery was not attempted meanwhile (he was not there)
        await().atMost(Duration.ofSeconds(15)).until(() -> count(toCarol.delivery()) >= 3);
        assertThat(count(toBob.delivery())).isZero();
        try (TransferClient b = transfer(server, bob)) {
            assertThat(b.inbox(null)).singleElement().satisfies(i -> assertThat(i.attempts()).isZero());
        }
    }

    @Test
    void contentTheCentralHoldsIsAnnouncedByThePrivateServerWithTheCentralsAddress() throws Exception {
        SignalServer central = server("central", TransferConfig.Tier.CENTRAL, Optional.empty(), Duration.ofHours(1));
        SignalServer home = server("home", TransferConfig.Tier.PRIVATE, Optional.of(central.transferUrl()), Duration.ofHours(1));
        byte[] bytes = new byte[600_000];
        new Random(5).nextBytes(bytes);
        Path photo = Files.write(dir.resolve("photo.jpg"), bytes);
        transfer(central, bob).close(); // bob known to the central too
        try (TransferClient a = transfer(central, alice)) {
            a.send(photo, "bob"); // the central holds the photo now
        }
        toClose.add(online(home, bob));
        toClose.add(online(central, bob)); // bob is on both servers' signalling
        SendResult dup;
        try (TransferClient a = transfer(home, alice)) {
            dup = a.send(photo, "bob");
        }
        assertThat(dup.uploaded()).isFalse();
        assertThat(dup.deliveredBy()).isEqualTo("central");
        // from the private server: where it waits; from the central (which holds it): its own, sent on by the tier
        await().atMost(Duration.ofSeconds(10)).until(() -> count(dup.delivery()) >= 2);
        Message.Delivery viaHome = notices.stream().filter(x -> x.delivery() == dup.delivery() && x.server() != null)
                .findFirst().orElseThrow();
        assertThat(viaHome.server()).isEqualTo(central.transferUrl());
        assertThat(viaHome.from()).isEqualTo("alice");
        assertThat(viaHome.name()).isEqualTo("photo.jpg");
        assertThat(viaHome.size()).isEqualTo(600_000);
        Message.Delivery atCentral = notices.stream().filter(x -> x.delivery() == dup.delivery() && x.server() == null)
                .findFirst().orElseThrow();
        assertThat(atCentral.from()).isEqualTo("alice@home");
        assertThat(atCentral.contentId()).isEqualTo(dup.contentId().toString());
        try (TransferClient b = transfer(central, bob)) {
            assertThat(b.inbox(null)).extracting(TransferClient.InboxItem::delivery).contains(dup.delivery());
        }
    }
}
