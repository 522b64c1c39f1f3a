package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.server.transfer.TransferConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running {@code peerlink peer} receives transfers: reported from signalling notices, or saved with {@code --inbox}. */
class PeerInboxCliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    SignalServer server;
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream oldErr;
    Thread peer;
    final AtomicInteger exit = new AtomicInteger(-1);

    @BeforeEach
    void start() throws Exception {
        TransferConfig t = TransferConfig.central(TransferConfig.Storage.inDir(dir.resolve("server/transfer")))
                .withTier(TransferConfig.Tier.CENTRAL, Optional.empty(), Optional.of("s3cret"), Optional.of("hub"))
                .withDeliveryRetry(Duration.ofSeconds(1));
        server = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .dataDir(dir.resolve("server")).mappingMonitor(null).transfer(t).build(), List.of(), id -> Optional.empty());
        oldErr = System.err;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() throws Exception {
        if (peer != null) {
            peer.interrupt(); // Shutdown.awaitSignal ends, the peer closes
            peer.join(10_000);
        }
        System.setErr(oldErr);
        if (home != null) {
            home.close();
        }
        server.close();
    }

    SignalServer home;

    /** A private tier whose central is {@link #server}. */
    SignalServer startHome() throws Exception {
        TransferConfig t = TransferConfig.central(TransferConfig.Storage.inDir(dir.resolve("home/transfer")))
                .withTier(TransferConfig.Tier.PRIVATE, Optional.of(server.transferUrl()), Optional.of("s3cret"), Optional.of("home"))
                .withDeliveryRetry(Duration.ofSeconds(1));
        home = SignalServer.start(SignalServerConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .dataDir(dir.resolve("home")).mappingMonitor(null).transfer(t).build(), List.of(), id -> Optional.empty());
        return home;
    }

    String addr() {
        return "127.0.0.1:" + server.address().getPort();
    }

    void startPeer(String... extra) {
        startPeerAt(addr(), extra);
    }

    void startPeerAt(String serverAddr, String... extra) {
        List<String> args = new ArrayList<>(List.of("peer", "--id", "bob", "--home", dir.resolve("keys/bob").toString(),
                "--server", serverAddr, "--loopback"));
        args.addAll(List.of(extra));
        peer = Thread.ofPlatform().name("peer-bob").start(() -> exit.set(Main.run(args.toArray(String[]::new))));
        await().atMost(Duration.ofSeconds(30)).until(() -> events("ready").size() == 1 || exit.get() >= 0);
        assertThat(exit.get()).as(err()).isEqualTo(-1);
    }

    String err() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    List<JsonNode> events(String name) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : err().split("\n")) {
            if (line.startsWith("{\"event\":\"" + name + "\"")) {
                try {
                    out.add(JSON.readTree(line));
                } catch (Exception e) {
                    throw new AssertionError("not JSON: " + line, e);
                }
            }
        }
        return out;
    }

    JsonNode send(String... args) throws Exception {
        return sendAs("alice", addr(), args);
    }

    JsonNode sendAs(String who, String serverAddr, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("send", "--id", who, "--home", dir.resolve("keys/" + who).toString(),
                "--server", serverAddr, "--json"));
        a.addAll(List.of(args));
        CliRun r = TransferCliTest.cli(a.toArray(String[]::new));
        assertThat(r.exit()).as(r.out() + err()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    void aRunningPeerReportsWhatItsServerAnnouncesOnSignallingOncePerDelivery() throws Exception {
        startPeer("--echo");
        JsonNode sent = send("--text", "hi bob", "--to", "bob");
        await().atMost(Duration.ofSeconds(10)).until(() -> !events("delivery").isEmpty());
        JsonNode e = events("delivery").get(0);
        assertThat(e.path("delivery").asLong()).isEqualTo(sent.path("delivery").asLong());
        assertThat(e.path("contentId").asText()).isEqualTo(sent.path("contentId").asText());
        assertThat(e.path("from").asText()).isEqualTo("alice");
        assertThat(e.path("size").asLong()).isEqualTo(6);
        // the server repeats the notice until bob acknowledges (attempts count the repeats); the peer reports each
        // delivery once
        TransferDevice bob = new TransferDevice();
        bob.id = "bob";
        bob.server = addr();
        bob.home = dir.resolve("keys/bob");
        try (var c = bob.connect(bob.url())) {
            await().atMost(Duration.ofSeconds(15)).until(() -> c.inbox(null).get(0).attempts() >= 2);
        }
        JsonNode second = send("--text", "again", "--to", "bob");
        await().atMost(Duration.ofSeconds(10)).until(() -> events("delivery").size() >= 2);
        assertThat(events("delivery")).extracting(n -> n.path("delivery").asLong())
                .containsExactly(sent.path("delivery").asLong(), second.path("delivery").asLong());
    }

    @Test
    void aPeerWithAnInboxFetchesWhatWaitsAndWhatIsAnnouncedThenHoldsNoTransferConnection() throws Exception {
        Path box = dir.resolve("bob-inbox");
        String bobKeys = dir.resolve("keys/bob").toString();
        assertThat(TransferCliTest.cli("inbox", "--id", "bob", "--home", bobKeys, "--server", addr()).out())
                .isEqualTo("inbox empty\n"); // bob is known to the server now, offline
        byte[] bytes = new byte[1_500_000];
        new Random(11).nextBytes(bytes);
        Path photo = Files.write(dir.resolve("photo.jpg"), bytes);
        send(photo.toString(), "--to", "bob"); // waits for bob

        startPeer("--echo", "--inbox", box.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> events("received").size() == 1); // fetched at start
        // announced while bob runs: fetched on the notice (the next sweep is minutes away)
        send("--text", "did you get it?", "--to", "bob");
        await().atMost(Duration.ofSeconds(20)).until(() -> events("received").size() >= 2);
        List<JsonNode> got = events("received");
        JsonNode file = got.stream().filter(n -> "photo.jpg".equals(n.path("name").asText(null))).findFirst().orElseThrow();
        assertThat(Files.readAllBytes(Path.of(file.path("saved").asText()))).isEqualTo(bytes);
        assertThat(got).extracting(n -> n.path("text").asText(null)).contains("did you get it?");
        assertThat(events("delivery")).as("with --inbox, items are reported as received").isEmpty();
        // fetched over a transfer connection opened for the job: bob keeps only his signalling connection
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openTransferConnections() == 0);
        assertThat(TransferCliTest.cli("inbox", "--id", "bob", "--home", bobKeys, "--server", addr()).out())
                .isEqualTo("inbox empty\n"); // all acknowledged
    }

    @Test
    void aPeerAtAPrivateServerFetchesFromTheCentralWhenTheNoticeNamesIt() throws Exception {
        startHome();
        String homeAddr = "127.0.0.1:" + home.address().getPort();
        Path box = dir.resolve("bob-inbox");
        startPeerAt(homeAddr, "--echo", "--inbox", box.toString());
        // the inbox's first sweep asked home and the central home names: bob is known to both now
        await().atMost(Duration.ofSeconds(20)).until(() -> server.registeredDevices() >= 1);
        byte[] bytes = new byte[700_000];
        new Random(12).nextBytes(bytes);
        Path photo = Files.write(dir.resolve("photo.jpg"), bytes);
        sendAs("carol", addr(), photo.toString(), "--to", "bob"); // now the central holds it (no notice reaches bob)
        JsonNode dup = sendAs("alice", homeAddr, photo.toString(), "--to", "bob");
        assertThat(dup.path("uploaded").asBoolean()).isFalse();
        assertThat(dup.path("deliveredBy").asText()).isEqualTo("central");
        // home tells bob the central holds it; bob fetches there (carol's copy comes along)
        await().atMost(Duration.ofSeconds(20)).until(() -> events("received").stream()
                .anyMatch(n -> n.path("delivery").asLong() == dup.path("delivery").asLong()));
        JsonNode got = events("received").stream().filter(n -> n.path("delivery").asLong() == dup.path("delivery").asLong())
                .findFirst().orElseThrow();
        assertThat(got.path("deliveredBy").asText()).isEqualTo("central");
        assertThat(Files.readAllBytes(Path.of(got.path("saved").asText()))).isEqualTo(bytes);
    }

    @Test
    void aNoticeNamingAServerOtherThanTheCentralIsIgnored() throws Exception {
        startHome();
        TransferDevice bob = new TransferDevice();
        bob.id = "bob";
        bob.server = "127.0.0.1:" + home.address().getPort();
        bob.home = dir.resolve("keys/bob");
        List<java.net.URI> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        ByteArrayOutputStream errs = new ByteArrayOutputStream();
        PrintStream errOut = new PrintStream(errs, true, StandardCharsets.UTF_8);
        String rogue = "ws://127.0.0.1:9/v1/transfer";
        try (NoticeInbox in = new NoticeInbox(u -> {
            asked.add(u);
            return bob.connect(u);
        }, bob.url(), dir.resolve("box"), (item, saved, text) -> { }, errOut, Duration.ofMinutes(5))) {
            // until the first sweep has learned the central, a notice naming a server makes it sweep again
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                in.notice(new dev.peerlink.protocol.Message.Delivery(1, "sha256:" + "00".repeat(32), 1, "mallory", null, rogue));
                return errs.toString(StandardCharsets.UTF_8).contains("ignored");
            });
        }
        assertThat(errs.toString(StandardCharsets.UTF_8)).contains("notice names " + rogue);
        assertThat(asked).isNotEmpty().doesNotContain(java.net.URI.create(rogue));
        assertThat(asked).contains(java.net.URI.create(server.transferUrl()));
    }
}
