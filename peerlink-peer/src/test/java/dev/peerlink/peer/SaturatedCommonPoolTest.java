package dev.peerlink.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.server.transfer.TransferConfig;
import dev.peerlink.transfer.client.TransferClient;
import dev.peerlink.transfer.client.TransferCredentials;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression behind moving the SDK's WebSockets off the JDK {@code HttpClient}: an application that keeps every
 * thread of the common {@link ForkJoinPool} blocked (CI once did, through a test that left a blocking call there)
 * stalled every WebSocket opening until it timed out. Both clients must open, register and work as usual while the
 * pool cannot run anything.
 */
class SaturatedCommonPoolTest {
    @TempDir
    Path tmp;

    @Test
    void signallingAndTransferWorkWhileEveryCommonPoolThreadIsBlocked() throws Exception {
        var transfer = TransferConfig.central(TransferConfig.Storage.inDir(tmp.resolve("transfer")));
        try (SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .dataDir(tmp).mappingMonitor(null).transfer(transfer).build(), List.of(), id -> Optional.empty())) {
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> probe;
            try {
                int threads = ForkJoinPool.getCommonPoolParallelism();
                CountDownLatch blocked = new CountDownLatch(threads);
                for (int i = 0; i < threads; i++) {
                    ForkJoinPool.commonPool().execute(() -> {
                        blocked.countDown();
                        awaitQuietly(release);
                    });
                }
                assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
                probe = CompletableFuture.runAsync(() -> {}); // runs only once a pool thread is free again

                DeviceIdentity alice = DeviceIdentity.ephemeral(DeviceId.of("alice"));
                DeviceIdentity bob = DeviceIdentity.ephemeral(DeviceId.of("bob"));
                // a short connect timeout: an opening that waited for the pool would fail and back off instead
                try (SignallingClient a = SignallingClient.builder().server(URI.create(s.url())).identity(alice)
                        .connectTimeout(Duration.ofSeconds(2)).build();
                     SignallingClient b = SignallingClient.builder().server(URI.create(s.url())).identity(bob)
                             .connectTimeout(Duration.ofSeconds(2)).build()) {
                    assertThat(a.start().get(10, TimeUnit.SECONDS).deviceId()).isEqualTo(alice.deviceId());
                    assertThat(b.start().get(10, TimeUnit.SECONDS).deviceId()).isEqualTo(bob.deviceId());
                    // brokering: requests out, pushes in, answers back, all on the SDK's threads
                    b.onIncoming(r -> r.accept(dev.peerlink.protocol.JsonBlob.EMPTY));
                    assertThat(a.connect(dev.peerlink.protocol.Identity.device("bob"), dev.peerlink.protocol.JsonBlob.EMPTY,
                            Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS).accepted()).isTrue();
                }

                URI url = URI.create(s.transferUrl());
                var opts = TransferClient.Options.defaults();
                try (var tb = TransferClient.connect(url, new TransferCredentials.Device(bob.deviceId(), bob.publicKeyText(),
                        bob.privateKey()), opts);
                     var ta = TransferClient.connect(url, new TransferCredentials.Device(alice.deviceId(), alice.publicKeyText(),
                             alice.privateKey()), opts)) {
                    var sent = ta.sendText("while the pool is stuck", "bob");
                    var item = tb.inbox(null).get(0);
                    assertThat(item.delivery()).isEqualTo(sent.delivery());
                    assertThat(Files.readString(tb.download(item, tmp.resolve("bob")))).isEqualTo("while the pool is stuck");
                }
                assertThat(probe).as("the common pool stayed saturated throughout").isNotDone();
            } finally {
                release.countDown();
            }
            probe.get(5, TimeUnit.SECONDS);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
