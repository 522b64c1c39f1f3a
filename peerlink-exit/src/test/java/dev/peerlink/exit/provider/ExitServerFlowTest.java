package dev.peerlink.exit.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.exit.egress.Cidr;
import dev.peerlink.exit.egress.EgressRules;
import dev.peerlink.exit.wire.ExitCodec;
import dev.peerlink.exit.wire.ExitError;
import dev.peerlink.exit.wire.ExitReply;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.share.wire.Limits;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TCP flows through a provider on loopback: carrying bytes, and every refusal the egress rules and policy make. */
class ExitServerFlowTest {
    static ExitBed bed;
    LocalServers local;
    static final EgressRules OPEN_LOOPBACK = EgressRules.standard().withOpened(List.of(Cidr.parse("127.0.0.1/32")));

    @BeforeAll
    static void bed() throws Exception {
        bed = ExitBed.start();
    }

    @AfterAll
    static void closeBed() throws Exception {
        bed.close();
    }

    @BeforeEach
    void servers() {
        local = new LocalServers();
    }

    @AfterEach
    void reset() throws Exception {
        bed.reset();
        local.close();
    }

    @Test
    void carriesFiveMegabytesBothWaysIntactToAnOpenedDestination(@TempDir Path logDir) throws Exception {
        int echo = local.tcpEcho();
        ExitServer exit = bed.serve(ExitConfig.defaults(OPEN_LOOPBACK).withFlowLogDir(logDir));
        PeerConnection c = bed.connect(bed.requester);
        byte[] data = new byte[5 << 20];
        new Random(5).nextBytes(data);
        try (ExitClient flow = ExitClient.open(c, "127.0.0.1", echo)) {
            assertThat(flow.reply().ok()).isTrue();
            assertThat(flow.reply().bound()).startsWith("127.0.0.1:");
            byte[] back = flow.exchange(data);
            assertThat(back.length).isEqualTo(data.length);
            assertThat(MessageDigest.getInstance("SHA-256").digest(back))
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> exit.stats().activeFlows() == 0);
        ExitStats s = exit.stats();
        assertThat(s.flowsOpened()).isEqualTo(1);
        assertThat(s.bytesUp()).isEqualTo(data.length);
        assertThat(s.bytesDown()).isEqualTo(data.length);
        assertThat(s.usageToday()).containsEntry("req-1", 2L * data.length);
        List<String> log = Files.readAllLines(logDir.resolve("flows.jsonl"));
        assertThat(log).singleElement().satisfies(line -> assertThat(line).contains("\"proto\":\"tcp\"", "\"requester\":\"req-1\"",
                "\"host\":\"127.0.0.1\"", "\"port\":" + echo, "\"ip\":\"127.0.0.1\"", "\"result\":\"ok\"",
                "\"bytesUp\":" + data.length, "\"bytesDown\":" + data.length, "\"durationMs\":", "\"time\":"));
    }

    @Test
    void loopbackIsForbiddenUnlessOpened() throws Exception {
        int echo = local.tcpEcho();
        ExitServer exit = bed.serve(ExitConfig.defaults(EgressRules.standard()));
        PeerConnection c = bed.connect(bed.requester);
        ExitReply r = ExitClient.open(c, "127.0.0.1", echo).reply();
        assertThat(r.error()).isEqualTo(ExitError.FORBIDDEN_DESTINATION);
        assertThat(r.message()).contains("loopback");
        assertThat(ExitClient.open(c, "::ffff:127.0.0.1", echo).reply().error()).isEqualTo(ExitError.FORBIDDEN_DESTINATION);
        assertThat(local.accepted).hasValue(0);
        assertThat(exit.stats().refused(ExitError.FORBIDDEN_DESTINATION)).isEqualTo(2);
    }

    @Test
    void aNameIsResolvedAtTheExitAndRefusedForWhereItPoints() throws Exception {
        int echo = local.tcpEcho();
        bed.serve(ExitConfig.defaults(EgressRules.standard()));
        PeerConnection c = bed.connect(bed.requester);
        ExitReply r = ExitClient.open(c, "localhost", echo).reply();
        assertThat(r.error()).isEqualTo(ExitError.FORBIDDEN_DESTINATION);
        assertThat(r.message()).contains("loopback");
        assertThat(local.accepted).hasValue(0);
    }

    @Test
    void theCloudMetadataAddressAndPrivateRangesAreRefused() throws Exception {
        bed.serve(ExitConfig.defaults(OPEN_LOOPBACK));
        PeerConnection c = bed.connect(bed.requester);
        ExitReply r = ExitClient.open(c, "169.254.169.254", 80).reply();
        assertThat(r.error()).isEqualTo(ExitError.FORBIDDEN_DESTINATION);
        assertThat(r.message()).contains("metadata");
        assertThat(ExitClient.open(c, "10.0.0.1", 80).reply().error()).isEqualTo(ExitError.FORBIDDEN_DESTINATION);
        assertThat(ExitClient.open(c, "fe80::1", 80).reply().error()).isEqualTo(ExitError.FORBIDDEN_DESTINATION);
    }

    @Test
    void aPortOutsideTheAllowedListIsRefused() throws Exception {
        int echo = local.tcpEcho();
        bed.serve(ExitConfig.defaults(OPEN_LOOPBACK.withPorts(List.of(443))));
        PeerConnection c = bed.connect(bed.requester);
        assertThat(ExitClient.open(c, "127.0.0.1", echo).reply().error()).isEqualTo(ExitError.PORT_NOT_ALLOWED);
        bed.reset();
        // the offer's own port list applies too
        bed.serve(ExitConfig.defaults(OPEN_LOOPBACK).withLimits(new Limits(0, 0, 0, List.of(80, 443))));
        c = bed.connect(bed.requester);
        assertThat(ExitClient.open(c, "127.0.0.1", echo).reply().error()).isEqualTo(ExitError.PORT_NOT_ALLOWED);
        assertThat(local.accepted).hasValue(0);
    }

    @Test
    void aRequesterThePolicyDoesNotAdmitIsRefusedAndDisconnected() throws Exception {
        int echo = local.tcpEcho();
        bed.serve(ExitConfig.defaults(OPEN_LOOPBACK), id -> id.equals("req-1"));
        PeerConnection stranger = bed.connect(bed.other);
        ExitReply r = ExitClient.open(stranger, "127.0.0.1", echo).reply();
        assertThat(r.error()).isEqualTo(ExitError.NOT_ADMITTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> !stranger.isOpen());
        assertThat(local.accepted).hasValue(0);
        // the admitted requester is served meanwhile
        PeerConnection c = bed.connect(bed.requester);
        try (ExitClient flow = ExitClient.open(c, "127.0.0.1", echo)) {
            assertThat(flow.exchange(new byte[]{1, 2, 3})).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aGrantThatEndsEndsTheRequestersFlows() throws Exception {
        int echo = local.tcpEcho();
        java.util.concurrent.atomic.AtomicBoolean granted = new java.util.concurrent.atomic.AtomicBoolean(true);
        ExitServer exit = bed.serve(ExitConfig.defaults(OPEN_LOOPBACK), id -> granted.get());
        PeerConnection c = bed.connect(bed.requester);
        ExitClient flow = ExitClient.open(c, "127.0.0.1", echo);
        assertThat(flow.reply().ok()).isTrue();
        granted.set(false);
        // checked every STATE period: the open flow ends, new ones are refused
        await().atMost(Duration.ofSeconds(5)).until(() -> exit.stats().activeFlows() == 0);
        assertThat(ExitClient.open(c, "127.0.0.1", echo).reply().error()).isEqualTo(ExitError.NOT_ADMITTED);
        flow.close();
    }

    @Test
    void aClosedPortIsConnectionRefused() throws Exception {
        bed.serve(ExitConfig.defaults(OPEN_LOOPBACK));
        PeerConnection c = bed.connect(bed.requester);
        ExitReply r = ExitClient.open(c, "127.0.0.1", LocalServers.closedPort()).reply();
        assertThat(r.error()).isEqualTo(ExitError.CONNECTION_REFUSED);
    }

    @Test
    void aMalformedHeaderIsABadRequestAndTheExitKeepsServing() throws Exception {
        int echo = local.tcpEcho();
        ExitServer exit = bed.serve(ExitConfig.defaults(OPEN_LOOPBACK));
        PeerConnection c = bed.connect(bed.requester);
        Random rnd = new Random(13);
        for (int i = 0; i < 3; i++) {
            byte[] junk = new byte[64];
            rnd.nextBytes(junk);
            SecureStream st = c.openStream();
            try (OutputStream out = st.output()) {
                out.write(junk); // then FIN: a frame the junk announces as longer ends truncated
            }
            ExitReply r = ExitCodec.decodeReply(ExitCodec.readFrame(st.input()));
            assertThat(r.error()).isEqualTo(ExitError.BAD_REQUEST);
            st.close();
        }
        // a well-formed JSON frame that is not a connect request is refused the same way
        SecureStream st = c.openStream();
        byte[] json = "{\"v\":1,\"op\":\"bind\"}".getBytes();
        st.output().write(java.nio.ByteBuffer.allocate(2 + json.length).putShort((short) json.length).put(json).array());
        st.output().flush();
        assertThat(ExitCodec.decodeReply(ExitCodec.readFrame(st.input())).error()).isEqualTo(ExitError.BAD_REQUEST);
        st.close();
        assertThat(exit.stats().refused(ExitError.BAD_REQUEST)).isEqualTo(4);
        try (ExitClient flow = ExitClient.open(c, "127.0.0.1", echo)) {
            assertThat(flow.exchange(new byte[]{9, 8, 7})).containsExactly(9, 8, 7);
        }
    }
}
