package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.ServerHost;
import dev.peerlink.testkit.netns.TestBedExtension;
import dev.peerlink.testkit.tools.ExternalTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Screen projection across the real bed (issue 14): seed 000's exact case — the phone and a PC whose firewall drops
 * inbound on one home LAN, so the PC dials back ({@code reverse}) — and a phone behind a NAT casting to a firewalled
 * PC elsewhere (the ladder's {@code punch}). The PC records what it receives; ffprobe checks codec, size and frames.
 */
@Tag("system")
class CastOnTestBedTest {
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create().matrix();
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Pattern CODE = Pattern.compile("\"event\":\"waiting\",\"code\":\"(PL1:[A-Z0-9]+)\"");
    private static final int SECONDS = 4;
    private static final int FPS = 25;

    @TempDir
    Path dir;

    private final List<HostProcess> running = new ArrayList<>();
    private String server;

    @BeforeEach
    void startServer() {
        ExternalTool.assumeOnPath("ffmpeg", "ffmpeg");
        ExternalTool.assumeOnPath("ffprobe", "ffmpeg");
        ServerHost s = BED.bed().server();
        String ip = s.primaryAddress().getHostAddress();
        HostProcess p = s.start(s.javaCommand("dev.peerlink.cli.Main", "server", "--listen", ip + ":7000", "--stun",
                ip + ":3478", "--relay", ip + ":3480", "--data", dir.resolve("server-data").toString()));
        running.add(p);
        p.awaitOutput(Pattern.compile("signalling on"), STEP);
        server = ip + ":7000";
    }

    @AfterEach
    void stop() {
        for (HostProcess p : running) {
            p.close();
        }
    }

    private record Cast(String senderPath, String receiverPath, String probe, String sender, String receiver) {}

    private Cast cast(Host pc, Host phone) throws Exception {
        Path rec = dir.resolve("received.flv");
        HostProcess rx = pc.start(pc.javaCommand("dev.peerlink.cli.Main", "cast", "receive", "--id", "pc", "--server", server,
                "--home", dir.resolve("pc").toString(), "--record", rec.toString()));
        running.add(rx);
        String code = rx.awaitOutput(CODE, STEP).group(1);
        HostProcess tx = phone.start(phone.javaCommand("dev.peerlink.cli.Main", "cast", "send", "--id", "phone", "--server",
                server, "--home", dir.resolve("phone").toString(), "--pairing", code, "--source", "testsrc", "--size", "640x360",
                "--fps", String.valueOf(FPS), "--duration", String.valueOf(SECONDS)));
        running.add(tx);
        Matcher sent = tx.awaitOutput(Pattern.compile("\"event\":\"casting\",\"path\":\"([a-z]+)\""), STEP);
        Matcher received = rx.awaitOutput(Pattern.compile("\"event\":\"casting\",\"path\":\"([a-z]+)\""), STEP);
        assertThat(tx.awaitExit(STEP)).as(tx.describeOutput()).isZero();
        rx.awaitOutput(Pattern.compile("\"event\":\"ended\""), STEP); // the recording is flushed by then
        String probe;
        try (ExternalTool p = ExternalTool.run(Duration.ofSeconds(30), List.of("ffprobe", "-v", "error", "-count_frames",
                "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "default=noprint_wrappers=1",
                rec.toString()))) {
            probe = p.output();
        }
        return new Cast(sent.group(1), received.group(1), probe, tx.describeOutput(), rx.describeOutput());
    }

    private static int frames(String probe) {
        return probe.lines().filter(l -> l.startsWith("nb_read_frames=")).findFirst()
                .map(l -> Integer.parseInt(l.substring("nb_read_frames=".length()).trim())).orElse(-1);
    }

    @Test
    void aFirewalledPcOnThePhonesLanDialsBackAndReceivesThePicture() throws Exception {
        NatTestBed bed = BED.bed();
        Cast c = cast(bed.lanPc(), bed.lanPhone());
        System.out.println("cast on one LAN, firewalled PC: path " + c.senderPath() + ", " + c.probe().replace('\n', ' '));
        assertThat(c.senderPath()).as(c.sender()).isEqualTo("reverse");
        assertThat(c.receiverPath()).as(c.receiver()).isEqualTo("reverse");
        assertThat(c.probe()).contains("codec_name=h264", "width=640", "height=360");
        assertThat(frames(c.probe())).as(c.probe()).isBetween(SECONDS * FPS - 5, SECONDS * FPS);
    }

    @Test
    void aPhoneBehindANatCastsToAFirewalledPcElsewhere() throws Exception {
        NatTestBed bed = BED.bed();
        Cast c = cast(bed.firewalledHost(), bed.client(NatType.PORT_RESTRICTED_CONE));
        System.out.println("cast across NATs: path " + c.senderPath() + ", " + c.probe().replace('\n', ' '));
        assertThat(c.senderPath()).as(c.sender()).isIn("punch", "relay");
        assertThat(c.receiverPath()).isEqualTo(c.senderPath());
        assertThat(c.probe()).contains("codec_name=h264", "width=640", "height=360");
        assertThat(frames(c.probe())).as(c.probe()).isBetween(SECONDS * FPS - 5, SECONDS * FPS);
    }
}
