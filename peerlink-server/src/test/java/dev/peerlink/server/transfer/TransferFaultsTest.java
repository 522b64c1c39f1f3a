package dev.peerlink.server.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.transfer.ChunkingParams;
import dev.peerlink.transfer.Manifest;
import dev.peerlink.transfer.PossessionChallenge;
import dev.peerlink.transfer.client.SendResult;
import dev.peerlink.transfer.client.TransferClient;
import dev.peerlink.transfer.client.TransferCredentials;
import dev.peerlink.transfer.client.TransferException;
import dev.peerlink.transfer.wire.TransferFrame;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart during upload, corrupted uploads, code-only senders, edited files, quotas — on real servers over loopback. */
class TransferFaultsTest {
    @TempDir
    Path dir;
    TransferBed bed;
    final TransferCredentials.Device alice = TransferBed.device("alice");
    final TransferCredentials.Device bob = TransferBed.device("bob");
    final TransferCredentials.Device mallory = TransferBed.device("mallory");

    @BeforeEach
    void start() throws Exception {
        bed = new TransferBed(dir).start();
        TransferBed.client(bed.centralUrl(), bob).close();
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    List<Path> receive() throws Exception {
        try (TransferClient c = TransferBed.client(bed.centralUrl(), bob)) {
            List<Path> out = new java.util.ArrayList<>();
            for (TransferClient.InboxItem item : c.inbox(null)) {
                out.add(c.download(item, dir.resolve("bob")));
                c.ack(item.delivery());
            }
            return out;
        }
    }

    @Test
    void serverRestartDuringUploadResumesAndLosesNothing() throws Exception {
        byte[] data = random(10, 40 << 20);
        Path big = write("big.bin", data);
        CompletableFuture<SendResult> sending = CompletableFuture.supplyAsync(() -> {
            try (TransferClient c = TransferBed.client(bed.centralUrl(), alice)) {
                return c.send(big, "bob");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> TransferBed.blobCount(bed.central, dir.resolve("central")) >= 40);
        assertThat(sending).isNotDone();
        bed.restartCentral();
        SendResult r = sending.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.resumes()).isGreaterThanOrEqualTo(1);
        assertThat(r.uploaded()).isTrue();
        // resumed, not restarted: at most the in-flight window is sent twice
        assertThat(r.bytesSent()).isLessThan(data.length + TransferClient.Options.defaults().windowBytes() + (1 << 20));
        List<Path> got = receive();
        assertThat(got).singleElement().satisfies(p -> assertThat(Files.readAllBytes(p)).isEqualTo(data));
    }

    @Test
    void pendingDeliveriesSurviveAServerRestartAndAreOfferedUntilAcknowledged() throws Exception {
        byte[] data = random(18, 3_000_000);
        try (TransferClient c = TransferBed.client(bed.centralUrl(), alice)) {
            c.send(write("keep.bin", data), "bob");
        }
        bed.restartCentral();
        TransferClient.InboxItem item;
        try (TransferClient c = TransferBed.client(bed.centralUrl(), bob)) {
            item = c.inbox(null).get(0);
            c.download(item, dir.resolve("first-try")); // downloaded but not acknowledged (the device crashed)
        }
        bed.restartCentral();
        List<Path> got = receive(); // offered again, acknowledged this time
        assertThat(got).singleElement().satisfies(p -> assertThat(Files.readAllBytes(p)).isEqualTo(data));
        assertThat(receive()).isEmpty();
    }

    @Test
    void aCorruptedChunkIsRejectedAndNothingOfItIsStored() throws Exception {
        byte[] data = random(11, 600_000);
        Manifest m = Manifest.build(data, ChunkingParams.DEFAULT);
        try (TransferClient c = TransferBed.client(bed.centralUrl(), alice)) {
            TransferFrame ch = c.request(TransferFrame.of("offer").with("target", "bob").with("name", "x").payload(m.encode()));
            String session = ch.str("session");
            byte[] proof = proof(PossessionChallenge.decode(ch.payload()), data);
            TransferFrame plan = c.request(TransferFrame.of("prove").with("session", session).payload(proof));
            assertThat(BitSet.valueOf(plan.payload()).cardinality()).isEqualTo(m.chunkCount());
            Manifest.Chunk first = m.chunk(0);
            byte[] bad = java.util.Arrays.copyOfRange(data, 0, first.length());
            bad[bad.length / 2] ^= 0x40;
            long before = TransferBed.blobCount(bed.central, dir.resolve("central"));
            assertThatThrownBy(() -> c.request(TransferFrame.of("chunk").with("session", session).with("index", 0).payload(bad)))
                    .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.code()).isEqualTo("corrupt-chunk"));
            assertThat(TransferBed.blobCount(bed.central, dir.resolve("central"))).isEqualTo(before);
            assertThat(bed.central.transfer().orElseThrow().stats().chunksRefused()).isEqualTo(1);
            assertThatThrownBy(() -> c.request(TransferFrame.of("finish").with("session", session)))
                    .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.code()).isEqualTo("incomplete"));
        }
        assertThat(receive()).isEmpty();
    }

    static byte[] proof(PossessionChallenge challenge, byte[] data) throws Exception {
        var resp = dev.peerlink.transfer.ProofOfPossession.respond(challenge,
                dev.peerlink.transfer.ProofOfPossession.RangeSource.of(data));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32 * resp.digests().size());
        resp.digests().forEach(b::put);
        return b.array();
    }

    /** What a sender who has only the manifest (not the bytes) sees: a challenge and a plan to upload everything. */
    private BitSet codeOnlyAttempt(Manifest m) throws Exception {
        try (TransferClient c = TransferBed.client(bed.centralUrl(), mallory)) {
            TransferFrame ch = c.request(TransferFrame.of("offer").with("target", "bob").payload(m.encode()));
            int ranges = PossessionChallenge.decode(ch.payload()).ranges().size();
            TransferFrame plan = c.request(TransferFrame.of("prove").with("session", ch.str("session")).payload(new byte[32 * ranges]));
            assertThat(plan.header().path("bytesNeeded").asLong()).isEqualTo(m.size());
            assertThatThrownBy(() -> c.request(TransferFrame.of("finish").with("session", ch.str("session"))))
                    .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.code()).isEqualTo("incomplete"));
            return BitSet.valueOf(plan.payload());
        }
    }

    @Test
    void aSenderWhoKnowsOnlyTheCodeIsRefusedAndLearnsNothing() throws Exception {
        byte[] secret = random(12, 900_000);
        Path file = write("secret.pdf", secret);
        try (TransferClient c = TransferBed.client(bed.centralUrl(), alice)) {
            c.send(file, "bob");
        }
        assertThat(receive()).hasSize(1);
        Manifest held = Manifest.build(secret, ChunkingParams.DEFAULT);
        Manifest notHeld = Manifest.build(random(13, 900_000), ChunkingParams.DEFAULT);
        BitSet heldPlan = codeOnlyAttempt(held);
        BitSet notHeldPlan = codeOnlyAttempt(notHeld);
        // the same answer whether the server holds the content or not: upload every chunk
        assertThat(heldPlan.cardinality()).isEqualTo(held.chunkCount());
        assertThat(notHeldPlan.cardinality()).isEqualTo(notHeld.chunkCount());
        assertThat(receive()).isEmpty(); // mallory delivered nothing
    }

    @Test
    void anEditedLargeFileResendsOnlyTheChangedChunks() throws Exception {
        byte[] original = random(14, 20 << 20);
        byte[] edited = new byte[original.length + 4096];
        int at = original.length / 2;
        System.arraycopy(original, 0, edited, 0, at);
        System.arraycopy(random(15, 4096), 0, edited, at, 4096);
        System.arraycopy(original, at, edited, at + 4096, original.length - at);
        SendResult first;
        SendResult second;
        try (TransferClient c = TransferBed.client(bed.centralUrl(), alice)) {
            first = c.send(write("doc-v1.bin", original), "bob");
            second = c.send(write("doc-v2.bin", edited), "bob");
        }
        assertThat(first.bytesSent()).isEqualTo(original.length);
        assertThat(second.uploaded()).isTrue();
        assertThat(second.chunksSent()).isBetween(1, 3);
        assertThat(second.bytesSent()).isLessThan(3L * ChunkingParams.DEFAULT.max());
        System.out.printf("edited 20 MiB file (4 KiB inserted): %d of %d chunks, %d bytes sent%n", second.chunksSent(),
                second.chunkCount(), second.bytesSent());
        List<Path> got = receive();
        assertThat(got).hasSize(2);
        assertThat(got).anySatisfy(p -> assertThat(Files.readAllBytes(p)).isEqualTo(edited));
    }

    @Test
    void theDailyQuotaIsEnforcedBeforeAnythingIsUploaded() throws Exception {
        Path d = dir.resolve("quota");
        try (SignalServer s = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).dataDir(d)
                .mappingMonitor(null).transfer(TransferBed.config(d).withLimits(1L << 30, 1_000_000, 4)).build(), List.of(),
                id -> Optional.empty())) {
            URI url = URI.create(s.transferUrl());
            TransferBed.client(url, bob).close();
            try (TransferClient c = TransferBed.client(url, alice)) {
                assertThat(c.send(write("small.bin", random(16, 600_000)), "bob").uploaded()).isTrue();
                assertThatThrownBy(() -> c.send(write("more.bin", random(17, 600_000)), "bob"))
                        .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.code()).isEqualTo("quota-exceeded"));
                assertThat(c.sendText("short notes still fit", "bob").uploaded()).isTrue();
            }
        }
    }

    @Test
    void hostileFramesGetTypedErrorsAndTheServerKeepsServing() throws Exception {
        try (TransferClient c = TransferBed.client(bed.centralUrl(), alice)) {
            assertThatThrownBy(() -> c.request(TransferFrame.of("offer").with("target", "bob").payload(new byte[] {1, 2, 3})))
                    .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.code()).isEqualTo("bad-manifest"));
            assertThatThrownBy(() -> c.request(TransferFrame.of("prove").with("session", "up_nope").payload(new byte[32])))
                    .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.code()).isEqualTo("unknown-session"));
            assertThatThrownBy(() -> c.request(TransferFrame.of("fetch").with("delivery", 999).with("from", 0)))
                    .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.code()).isEqualTo("unknown-delivery"));
            assertThatThrownBy(() -> c.request(TransferFrame.of("offer").with("target", 5)))
                    .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.code()).isEqualTo("invalid"));
            assertThat(c.sendText("still works", "bob").deliveredBy()).isEqualTo("central");
        }
    }
}
