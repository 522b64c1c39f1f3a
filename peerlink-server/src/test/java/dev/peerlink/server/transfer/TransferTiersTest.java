package dev.peerlink.server.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.peerlink.transfer.client.SendResult;
import dev.peerlink.transfer.client.TransferClient;
import dev.peerlink.transfer.client.TransferCredentials;
import dev.peerlink.transfer.client.TransferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every branch of seed 004 on real servers (central + private tier) over loopback, SQLite and file blobs. */
class TransferTiersTest {
    @TempDir
    Path dir;
    TransferBed bed;
    final TransferCredentials.Device alice = TransferBed.device("alice");
    final TransferCredentials.Device bob = TransferBed.device("bob");
    final TransferCredentials.Device carol = TransferBed.device("carol");

    @BeforeEach
    void start() throws Exception {
        bed = new TransferBed(dir).start();
        // bob is known to both tiers (first use binds his key)
        TransferBed.client(bed.homeUrl(), bob).close();
        TransferBed.client(bed.centralUrl(), bob).close();
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    Path file(String name, long seed, int size) throws Exception {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    /** bob's inbox at {@code url}: downloads and acknowledges everything, returns the saved files. */
    List<Path> receive(java.net.URI url) throws Exception {
        try (TransferClient c = TransferBed.client(url, bob)) {
            List<Path> out = new java.util.ArrayList<>();
            for (TransferClient.InboxItem item : c.inbox(null)) {
                out.add(c.download(item, dir.resolve("bob-" + url.getPort())));
                c.ack(item.delivery());
            }
            return out;
        }
    }

    @Test
    void centralDirectMissUploadsThenAnOwnerHitUploadsNothing() throws Exception {
        Path photo = file("photo.jpg", 1, 3_000_000);
        SendResult first;
        try (TransferClient c = TransferBed.client(bed.centralUrl(), alice)) {
            first = c.send(photo, "bob");
        }
        assertThat(first.uploaded()).isTrue();
        assertThat(first.bytesSent()).isEqualTo(3_000_000);
        assertThat(first.deliveredBy()).isEqualTo("central");
        List<Path> got = receive(bed.centralUrl());
        assertThat(got).hasSize(1);
        assertThat(got.get(0).getFileName().toString()).isEqualTo("photo.jpg");
        assertThat(Files.readAllBytes(got.get(0))).isEqualTo(Files.readAllBytes(photo));

        Path carolsCopy = Files.copy(photo, dir.resolve("carols-copy.jpg"));
        SendResult hit;
        try (TransferClient c = TransferBed.client(bed.centralUrl(), carol)) {
            hit = c.send(carolsCopy, "bob");
        }
        assertThat(hit.uploaded()).isFalse();
        assertThat(hit.bytesSent()).isZero();
        assertThat(hit.deliveredBy()).isEqualTo("central");
        assertThat(hit.contentId()).isEqualTo(first.contentId());
        assertThat(Files.readAllBytes(receive(bed.centralUrl()).get(0))).isEqualTo(Files.readAllBytes(photo));
        TransferStats.Snapshot st = bed.central.transfer().orElseThrow().stats();
        assertThat(st.offers()).isEqualTo(2);
        assertThat(st.bytesOffered()).isEqualTo(6_000_000);
        assertThat(st.contentHits()).isEqualTo(1);
        assertThat(st.delegated()).isZero();
        assertThat(st.bytesSkipped()).isEqualTo(3_000_000);
        assertThat(st.bytesStored()).isEqualTo(3_000_000);
        assertThat(st.chunksStored()).isEqualTo(first.chunkCount());
        assertThat(st.dedupRatio()).isEqualTo(0.5);
        assertThat(st.deliveriesCreated()).isEqualTo(2);
        assertThat(st.deliveriesAcked()).isEqualTo(2);
        assertThat(st.chunksRefused()).isZero();
    }

    @Test
    void privateHitIsDeliveredByThePrivateServer() throws Exception {
        Path video = file("clip.mp4", 2, 2_000_000);
        try (TransferClient c = TransferBed.client(bed.homeUrl(), alice)) {
            assertThat(c.send(video, "bob").deliveredBy()).isEqualTo("private");
            SendResult again = c.send(video, "bob");
            assertThat(again.uploaded()).isFalse();
            assertThat(again.bytesSent()).isZero();
            assertThat(again.deliveredBy()).isEqualTo("private");
        }
        assertThat(receive(bed.homeUrl())).hasSize(2).allSatisfy(p -> assertThat(p).hasSameBinaryContentAs(video));
        assertThat(TransferBed.blobCount(bed.central, dir.resolve("central"))).isZero();
    }

    @Test
    void privateMissCentralHitIsDeliveredByCentralAndThePrivateServerStoresNothing() throws Exception {
        Path doc = file("report.pdf", 3, 1_500_000);
        try (TransferClient c = TransferBed.client(bed.centralUrl(), carol)) {
            c.send(doc, "bob");
        }
        receive(bed.centralUrl());
        SendResult r;
        try (TransferClient c = TransferBed.client(bed.homeUrl(), alice)) {
            r = c.send(doc, "bob");
        }
        assertThat(r.uploaded()).isFalse();
        assertThat(r.bytesSent()).isZero();
        assertThat(r.deliveredBy()).isEqualTo("central");
        TransferStats.Snapshot home = bed.home.transfer().orElseThrow().stats();
        assertThat(home.contentHits()).isEqualTo(1);
        assertThat(home.delegated()).as("held by the central").isEqualTo(1);
        assertThat(home.bytesStored()).isZero();
        assertThat(home.deliveriesCreated()).as("the central delivers").isZero();
        assertThat(TransferBed.blobCount(bed.home, dir.resolve("private"))).isZero();
        assertThat(receive(bed.homeUrl())).isEmpty();
        List<Path> fromCentral = receive(bed.centralUrl());
        assertThat(fromCentral).hasSize(1);
        assertThat(fromCentral.get(0)).hasSameBinaryContentAs(doc);
    }

    @Test
    void bothMissThePrivateServerTakesTheUploadAndDelivers() throws Exception {
        Path fresh = file("fresh.bin", 4, 1_000_000);
        SendResult r;
        try (TransferClient c = TransferBed.client(bed.homeUrl(), alice)) {
            r = c.send(fresh, "bob");
        }
        assertThat(r.uploaded()).isTrue();
        assertThat(r.bytesSent()).isEqualTo(1_000_000);
        assertThat(r.deliveredBy()).isEqualTo("private");
        assertThat(TransferBed.blobCount(bed.central, dir.resolve("central"))).isZero();
        assertThat(receive(bed.centralUrl())).isEmpty();
        assertThat(receive(bed.homeUrl())).singleElement().satisfies(p -> assertThat(p).hasSameBinaryContentAs(fresh));
    }

    @Test
    void viaCentralFromAPrivateHomeUsesTheCentralUrlTheWelcomeNames() throws Exception {
        try (TransferClient c = TransferBed.client(bed.homeUrl(), alice)) {
            assertThat(c.welcome().tier()).isEqualTo("private");
            assertThat(c.welcome().central()).isEqualTo(bed.centralUrl());
        }
    }

    @Test
    void onlineTargetGetsItPushedAtOnceAndAnOfflineOneOnItsNextConnection() throws Exception {
        List<TransferClient.InboxItem> pushed = new CopyOnWriteArrayList<>();
        try (TransferClient listener = TransferBed.client(bed.centralUrl(), bob)) {
            assertThat(listener.inbox(pushed::add)).isEmpty();
            try (TransferClient c = TransferBed.client(bed.centralUrl(), alice)) {
                c.sendText("hello bob", "bob");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !pushed.isEmpty());
            assertThat(pushed.get(0).name()).isNull();
            assertThat(pushed.get(0).from()).isEqualTo("alice");
            // not acknowledged: announced again after the retry interval
            await().atMost(Duration.ofSeconds(10)).until(() -> pushed.size() >= 2);
            assertThat(pushed.get(1).delivery()).isEqualTo(pushed.get(0).delivery());
        }
        // bob offline now; alice sends; bob's next connection finds both
        try (TransferClient c = TransferBed.client(bed.centralUrl(), alice)) {
            c.sendText("while you were away", "bob");
        }
        List<Path> got = receive(bed.centralUrl());
        assertThat(got).hasSize(2);
        assertThat(got.stream().map(p -> {
            try {
                return Files.readString(p);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        })).containsExactlyInAnyOrder("hello bob", "while you were away");
        assertThat(receive(bed.centralUrl())).isEmpty(); // acknowledged: gone
    }

    @Test
    void unknownTargetAndWrongKeyAreRefused() throws Exception {
        try (TransferClient c = TransferBed.client(bed.centralUrl(), alice)) {
            assertThatThrownBy(() -> c.sendText("x", "nobody"))
                    .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.code()).isEqualTo("unknown-target"));
        }
        TransferCredentials.Device impostor = TransferBed.device("bob");
        assertThatThrownBy(() -> TransferBed.client(bed.centralUrl(), impostor))
                .hasMessageContaining("key-mismatch");
    }

    @Test
    void aWrongTierSecretIsRefusedBothWays() throws Exception {
        TransferCredentials.Tier wrong = new TransferCredentials.Tier("home", "not-the-secret".getBytes());
        assertThatThrownBy(() -> TransferBed.client(bed.centralUrl(), wrong)).hasMessageContaining("bad-tier-proof");
        // a private tier whose central is an impostor (no tier secret): the private server uploads itself
        TransferCredentials.Tier right = new TransferCredentials.Tier("home", TransferBed.SECRET.getBytes());
        try (TransferClient c = TransferBed.client(bed.centralUrl(), right)) {
            assertThat(c.welcome().who()).isEqualTo("tier:home");
        }
    }
}
