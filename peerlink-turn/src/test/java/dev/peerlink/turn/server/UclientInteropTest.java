package dev.peerlink.turn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * coturn's {@code turnutils_uclient} relays through our server to coturn's {@code turnutils_peer}
 * (a UDP echo) on loopback: Allocate, permissions, channels or Send indications, data both ways,
 * over UDP, TCP and TLS to the server. Loopback must lose nothing.
 */
@Tag("system")
class UclientInteropTest {
    private static final String SECRET = "interop-secret";
    private static Process peer;
    private static Process peer6; // on ::1, null when the machine has none
    private static int peerPort;

    /** Parsed from uclient's summary lines. */
    record Result(long sent, long received, long lost, String output) {}

    @BeforeAll
    static void startPeer() throws IOException {
        for (String tool : List.of("turnutils_uclient", "turnutils_peer")) {
            if (which(tool).isEmpty()) {
                String reason = "'" + tool + "' not found (install the coturn package; ./test.sh does as root)";
                System.out.println("SKIPPED (uclient interop): " + reason);
                Assumptions.abort(reason);
            }
        }
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(TestServers.LOOPBACK, 0))) {
            peerPort = s.getLocalPort();
        }
        peer = new ProcessBuilder("turnutils_peer", "-L", "127.0.0.1", "-p", String.valueOf(peerPort))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(TestServers.LOOPBACK6, peerPort))) {
            s.close(); // the same port is free on ::1 too: the IPv6 echo takes it
            peer6 = new ProcessBuilder("turnutils_peer", "-L", "::1", "-p", String.valueOf(peerPort))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            System.out.println("uclient interop: no IPv6 peer on ::1 (" + e + "); the IPv6 cases will be skipped");
        }
    }

    @AfterAll
    static void stopPeer() {
        if (peer != null) {
            peer.destroy();
        }
        if (peer6 != null) {
            peer6.destroy();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "UDP with channels,                    ''",
            "UDP with Send indications,            -s",
            "TCP with channels,                    -t",
            "TCP with Send indications,            -t -s",
            "UDP client to client,                 -y",
            "TCP client to client,                 -t -y",
            "TLS with channels,                    -t -S",
            "TLS with Send indications,            -t -S -s",
            "TLS client to client,                 -t -S -y",
            "TCP relay RFC 6062,                   -T",
            "TCP relay RFC 6062 over TLS,          -T -S",
    })
    void relaysWithoutLoss(String name, String flags) throws Exception {
        try (TurnServer server = TestServers.start(b -> b.allowedPeersCleared().allowPeer("127.0.0.0/8")
                .secret(SECRET).maxAllocationsPerUser(100))) {
            List<String> extra = flags.isBlank() ? List.of() : List.of(flags.trim().split("\\s+"));
            Result r = uclient(server, extra, List.of("-u", TestServers.USER, "-w", TestServers.PASSWORD), 200, 120);
            assertDelivered(name, r);
            assertThat(server.stats().bytesToPeers()).isPositive(); // TCP relaying (-T) counts bytes, not packets
        }
    }

    /** TURN over DTLS (RFC 7350): uclient's -S without -t speaks DTLS to the server; the relayed side stays plain UDP. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "DTLS with channels,                   -S",
            "DTLS with Send indications,           -S -s",
            "DTLS client to client,                -S -y",
            "DTLS RTP/RTCP pairs,                  -S -R",
    })
    void relaysOverDtls(String name, String flags) throws Exception {
        try (TurnServer server = TestServers.start(b -> b.allowedPeersCleared().allowPeer("127.0.0.0/8")
                .secret(SECRET).maxAllocationsPerUser(100).dtlsPort(0))) {
            List<String> extra = new ArrayList<>(List.of(flags.trim().split("\\s+")));
            boolean rtcp = extra.remove("-R");
            Result r = uclient(server, extra, List.of("-u", TestServers.USER, "-w", TestServers.PASSWORD), 200, 120, rtcp);
            assertDelivered(name, r);
            assertThat(server.stats().refusals(Refusal.DTLS_HELLO_VERIFY)).as("a cookie round per handshake").isPositive();
            assertThat(server.stats().refusals(Refusal.DTLS_HANDSHAKE_FAILED)).as(r.output).isZero();
            assertThat(server.stats().packetsToPeers()).isPositive();
        }
    }

    @ParameterizedTest(name = "REST credentials {0}")
    @CsvSource({"UDP, ''", "TCP, -t"})
    void restCredentialsFromTheSharedSecret(String name, String flags) throws Exception {
        try (TurnServer server = TestServers.start(b -> b.allowedPeersCleared().allowPeer("127.0.0.0/8").secret(SECRET))) {
            List<String> extra = flags.isBlank() ? List.of() : List.of(flags.trim());
            // -W: uclient mints "<expiry>:<user>" and its HMAC password itself, as a WebRTC app would get them.
            Result r = uclient(server, extra, List.of("-u", "webrtc", "-W", SECRET), 50, 100);
            System.out.printf("uclient REST %s: sent %d, received %d, lost %d%n", name, r.sent, r.received, r.lost);
            assertThat(r.received).as(r.output).isEqualTo(r.sent).isPositive();
        }
    }

    /**
     * uclient's default mode: an RTP allocation with EVEN-PORT (R bit) and an RTCP one redeeming the
     * RESERVATION-TOKEN for the next port, data over both; -g adds DONT-FRAGMENT to the Allocates.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "UDP RTP/RTCP pairs,                   ''",
            "TCP RTP/RTCP pairs,                   -t",
            "UDP RTP/RTCP pairs with DONT-FRAGMENT, -g",
            "UDP RTP/RTCP pairs client to client,  -y",
    })
    void defaultModeReservesTheRtcpPort(String name, String flags) throws Exception {
        try (TurnServer server = TestServers.start(b -> b.allowedPeersCleared().allowPeer("127.0.0.0/8")
                .secret(SECRET).maxAllocationsPerUser(100))) {
            List<String> extra = new ArrayList<>(List.of("-v")); // -v prints each relayed address
            if (!flags.isBlank()) {
                extra.addAll(List.of(flags.trim().split("\\s+")));
            }
            Result r = uclient(server, extra, List.of("-u", TestServers.USER, "-w", TestServers.PASSWORD), 200, 120, true);
            assertDelivered(name, r);
            assertThat(r.output).doesNotContain("error 508");
            // Both of each pair's allocations: the RTP one and the RTCP one on the reserved port.
            // RTP on an even port N, then RTCP on N+1 by its reservation token (uclient makes one more pair for its
            // own bookkeeping, whose token it never redeems).
            assertThat(server.stats().allocationsCreated()).as(r.output).isGreaterThanOrEqualTo(flags.contains("-y") ? 4 : 2);
            List<Integer> relayed = Pattern.compile("Received relay addr: [0-9.]+:(\\d+)").matcher(r.output).results()
                    .map(m -> Integer.parseInt(m.group(1))).toList();
            assertThat(relayed).as(r.output).hasSizeGreaterThanOrEqualTo(2);
            assertThat(relayed.get(0) % 2).as("RTP port %d is even", relayed.get(0)).isZero();
            assertThat(relayed.get(1)).as(r.output).isEqualTo(relayed.get(0) + 1);
        }
    }

    /** A draining server (threshold 0) answers 300 with ALTERNATE-SERVER; coturn's client moves there and relays. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"UDP, ''", "TCP, -t"})
    void followsTryAlternate(String name, String flags) throws Exception {
        try (TurnServer alternate = TestServers.start(b -> b.allowedPeersCleared().allowPeer("127.0.0.0/8").secret(SECRET));
             TurnServer draining = TestServers.start(b -> b.allowedPeersCleared().allowPeer("127.0.0.0/8").secret(SECRET)
                     .alternateServer(alternate.udpAddress(), 0))) {
            List<String> extra = flags.isBlank() ? List.of() : List.of(flags.trim());
            Result r = uclient(draining, extra, List.of("-u", TestServers.USER, "-w", TestServers.PASSWORD), 50, 100);
            assertDelivered("redirected " + name, r);
            assertThat(draining.stats().refusals(Refusal.REDIRECTED)).as(r.output).isPositive();
            assertThat(draining.stats().allocationsCreated()).isZero();
            assertThat(alternate.stats().allocationsCreated()).as(r.output).isPositive();
        }
    }

    /**
     * A dual-stack server (relayIp6 ::1, listeners on ::1): uclient asks for an IPv6 relayed address (-x) or a dual
     * allocation (-Z, ADDITIONAL-ADDRESS-FAMILY; coturn 4.6 sends the draft code 0x8032) and relays to the IPv6 echo
     * peer, from an IPv4 or an IPv6 client.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "IPv6 relay from an IPv4 client,        -x,    127.0.0.1",
            "IPv6 relay from an IPv6 client,        -x,    ::1",
            "IPv6 relay over TCP from IPv6,         -x -t, ::1",
            "dual allocation to the IPv6 peer,      -Z,    127.0.0.1",
    })
    void relaysToAnIpv6Peer(String name, String flags, String serverIp) throws Exception {
        if (peer6 == null) {
            System.out.println("SKIPPED (uclient " + name + "): no ::1 on this machine");
            Assumptions.abort("no ::1");
        }
        try (TurnServer server = TestServers.start(b -> b.allowedPeersCleared().allowPeer("127.0.0.0/8").allowPeer("::1/128")
                .relayIp6(TestServers.LOOPBACK6).listen6(TestServers.LOOPBACK6)
                .secret(SECRET).maxAllocationsPerUser(100))) {
            List<String> cmd = new ArrayList<>(List.of("-v"));
            cmd.addAll(List.of(flags.trim().split("\\s+")));
            cmd.addAll(List.of("-u", TestServers.USER, "-w", TestServers.PASSWORD));
            Result r = run(cmd, "::1", 200, 120, port(server, cmd), serverIp, false);
            assertDelivered(name, r);
            assertThat(r.output).contains("IPv6. Received relay addr: ::1");
            // -Z refreshes with a random REQUESTED-ADDRESS-FAMILY: both families are in the allocation.
            assertThat(server.stats().refusals(Refusal.ADDRESS_FAMILY)).as(r.output).isZero();
        }
    }

    private static void assertDelivered(String name, Result r) {
        System.out.printf("uclient %s: sent %d, received %d, lost %d%n", name, r.sent, r.received, r.lost);
        assertThat(r.sent).as(r.output).isGreaterThan(0);
        assertThat(r.received).as(r.output).isEqualTo(r.sent);
        assertThat(r.lost).as(r.output).isZero();
    }

    private static Result uclient(TurnServer server, List<String> flags, List<String> creds, int messages, int length)
            throws Exception {
        return uclient(server, flags, creds, messages, length, false);
    }

    private static Result uclient(TurnServer server, List<String> flags, List<String> creds, int messages, int length,
                                  boolean rtcp) throws Exception {
        List<String> args = new ArrayList<>(flags);
        args.addAll(creds);
        return run(args, "127.0.0.1", messages, length, port(server, flags), "127.0.0.1", rtcp);
    }

    private static Result run(List<String> args, String peerIp, int messages, int length, int serverPort, String serverIp,
                              boolean rtcp) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("turnutils_uclient"));
        cmd.addAll(args);
        if (!rtcp) {
            cmd.add("-c");
        }
        cmd.addAll(List.of("-e", peerIp, "-r", String.valueOf(peerPort), "-n", String.valueOf(messages),
                "-l", String.valueOf(length), "-z", "5", "-p", String.valueOf(serverPort), serverIp));
        Path log = Files.createTempFile("uclient", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        Files.deleteIfExists(log);
        return new Result(number(out, "tot_send_msgs=(\\d+)"), number(out, "tot_recv_msgs=(\\d+)"),
                number(out, "Total lost packets (\\d+)"), String.join(" ", cmd) + "\n" + out);
    }

    /** -S with -t (or -T) is TLS to the TLS listener, -S alone DTLS to the DTLS listener; -t (or -T) plain TCP; else UDP. */
    static int port(TurnServer server, List<String> flags) {
        if (flags.contains("-S")) {
            return flags.contains("-t") || flags.contains("-T") ? server.tlsAddress().getPort() : server.dtlsAddress().getPort();
        }
        return flags.contains("-t") || flags.contains("-T") ? server.tcpAddress().getPort() : server.udpAddress().getPort();
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    private static Optional<Path> which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
