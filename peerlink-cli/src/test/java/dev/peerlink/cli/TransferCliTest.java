package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.server.transfer.TransferConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peerlink send} and {@code peerlink inbox} in-process against a real central server and a private tier. */
class TransferCliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    SignalServer central;
    SignalServer home;

    @BeforeEach
    void start() throws Exception {
        central = server(dir.resolve("central"), TransferConfig.Tier.CENTRAL, Optional.empty());
        home = server(dir.resolve("private"), TransferConfig.Tier.PRIVATE, Optional.of(central.transferUrl()));
    }

    private static SignalServer server(Path d, TransferConfig.Tier tier, Optional<String> centralUrl) throws Exception {
        TransferConfig t = TransferConfig.central(TransferConfig.Storage.inDir(d.resolve("transfer")))
                .withTier(tier, centralUrl, Optional.of("s3cret"), Optional.of(tier == TransferConfig.Tier.PRIVATE ? "home" : "hub"))
                .withDeliveryRetry(Duration.ofSeconds(1));
        return SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0)).dataDir(d)
                .mappingMonitor(null).transfer(t).build(), List.of(), id -> Optional.empty());
    }

    @AfterEach
    void stop() {
        home.close();
        central.close();
    }

    /** Runs the CLI with stdout captured. */
    static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    String addr(SignalServer s) {
        return "127.0.0.1:" + s.address().getPort();
    }

    CliRun send(String id, SignalServer s, String... rest) {
        List<String> a = new ArrayList<>(List.of("send", "--id", id, "--home", dir.resolve("keys").resolve(id).toString(),
                "--server", addr(s), "--json"));
        a.addAll(List.of(rest));
        return cli(a.toArray(String[]::new));
    }

    CliRun inbox(SignalServer s, String... rest) {
        List<String> a = new ArrayList<>(List.of("inbox", "--id", "bob", "--home", dir.resolve("keys").resolve("bob").toString(),
                "--server", addr(s)));
        a.addAll(List.of(rest));
        return cli(a.toArray(String[]::new));
    }

    static JsonNode json(CliRun r) throws Exception {
        assertThat(r.exit()).as(r.out()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    void sendSkipsTheUploadOfKnownContentAndInboxSavesFromBothTiers() throws Exception {
        assertThat(inbox(home).out()).isEqualTo("inbox empty\n"); // bob known to both tiers now
        byte[] bytes = new byte[2_500_000];
        new Random(7).nextBytes(bytes);
        Path photo = dir.resolve("photo.jpg");
        Files.write(photo, bytes);

        JsonNode first = json(send("alice", central, photo.toString(), "--to", "bob"));
        assertThat(first.path("contentId").asText()).startsWith("sha256:");
        assertThat(first.path("uploaded").asBoolean()).isTrue();
        assertThat(first.path("bytesSent").asLong()).isEqualTo(bytes.length);
        assertThat(first.path("deliveredBy").asText()).isEqualTo("central");

        // carol sends the same photo through her private server: the central server holds it, nothing is uploaded
        Path copy = Files.copy(photo, dir.resolve("copy.jpg"));
        JsonNode dup = json(send("carol", home, copy.toString(), "--to", "bob", "--via", "private"));
        assertThat(dup.path("uploaded").asBoolean()).isFalse();
        assertThat(dup.path("bytesSent").asLong()).isZero();
        assertThat(dup.path("deliveredBy").asText()).isEqualTo("central");
        assertThat(dup.path("contentId").asText()).isEqualTo(first.path("contentId").asText());

        JsonNode text = json(send("carol", home, "--text", "see the photo", "--to", "bob", "--via", "central"));
        assertThat(text.path("deliveredBy").asText()).isEqualTo("central");
        JsonNode fresh = json(send("carol", home, "--text", "and this one stays home", "--to", "bob"));
        assertThat(fresh.path("deliveredBy").asText()).isEqualTo("private");

        CliRun saved = inbox(home, "--save", dir.resolve("bob-inbox").toString(), "--json");
        assertThat(saved.exit()).isZero();
        List<JsonNode> items = saved.out().lines().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }).toList();
        assertThat(items).hasSize(4);
        assertThat(items).filteredOn(i -> i.path("name").asText().endsWith(".jpg")).hasSize(2)
                .allSatisfy(i -> assertThat(Files.readAllBytes(Path.of(i.path("saved").asText()))).isEqualTo(bytes));
        assertThat(items).extracting(i -> i.path("text").asText(null)).contains("see the photo", "and this one stays home");
        assertThat(items).extracting(i -> i.path("deliveredBy").asText()).containsOnly("private", "central");
        assertThat(inbox(home).out()).isEqualTo("inbox empty\n"); // all acknowledged
    }

    @Test
    void aFollowingInboxGetsPushesAtOnceFromBothTiers() throws Exception {
        TransferDevice bob = new TransferDevice();
        bob.id = "bob";
        bob.server = addr(home);
        bob.home = dir.resolve("keys").resolve("bob");
        bob.retryForSeconds = 10;
        List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        Path saveDir = dir.resolve("bob-follow");
        InboxReceiver inbox = InboxReceiver.open(bob::connect, bob.url(), saveDir,
                (item, saved, text) -> got.add(item.deliveredBy() + ":" + text));
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                inbox.drain(true);
                inbox.follow();
            } catch (Exception e) {
                got.add("failed: " + e);
            }
        });
        try {
            json(send("alice", home, "--text", "to the private tier", "--to", "bob"));
            json(send("alice", home, "--text", "through the central", "--to", "bob", "--via", "central"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> got.size() >= 2);
            assertThat(got).containsExactlyInAnyOrder("private:to the private tier", "central:through the central");
        } finally {
            t.interrupt();
            t.join(5000);
            inbox.close();
        }
        assertThat(inbox(home).out()).isEqualTo("inbox empty\n"); // acknowledged by the follower
    }

    @Test
    void refusalsExitTwoAndBadArgumentsExitOne() {
        assertThat(send("alice", central, "--text", "x", "--to", "nobody").exit()).isEqualTo(2);
        assertThat(send("alice", central, "--text", "x", "--to", "bob", "--via", "private").exit()).isEqualTo(1);
        assertThat(send("alice", central, dir.resolve("missing").toString(), "--to", "bob").exit()).isEqualTo(1);
    }
}
