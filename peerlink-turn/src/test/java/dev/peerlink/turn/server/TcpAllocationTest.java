package dev.peerlink.turn.server;

import static dev.peerlink.turn.server.TestServers.PASSWORD;
import static dev.peerlink.turn.server.TestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.Nonce;
import dev.peerlink.stun.attribute.Realm;
import dev.peerlink.stun.attribute.Username;
import dev.peerlink.turn.TurnAttributes;
import dev.peerlink.turn.attribute.ConnectionId;
import dev.peerlink.turn.attribute.EvenPort;
import dev.peerlink.turn.attribute.RequestedTransport;
import dev.peerlink.turn.attribute.XorPeerAddress;
import dev.peerlink.turn.attribute.XorRelayedAddress;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** RFC 6062 TCP allocations: Connect, ConnectionAttempt, ConnectionBind, raw data both ways, policy and lifetimes. */
class TcpAllocationTest {
    private static final StunMethod CONNECT = StunMethod.of(0x00A);
    private static final StunMethod CONNECTION_BIND = StunMethod.of(0x00B);
    private static final StunMethod CONNECTION_ATTEMPT = StunMethod.of(0x00C);

    static TurnTestClient control(TurnServer server, String transport) throws IOException {
        TurnTestClient c = transport.equals("tls") ? TurnTestClient.tls(server.tlsAddress()) : TurnTestClient.tcp(server.tcpAddress());
        return c.credentials(USER, PASSWORD);
    }

    static InetSocketAddress allocateTcp(TurnTestClient c) throws IOException {
        StunMessage r = c.authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.TCP)));
        assertThat(r.messageClass()).as(r.toString()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        return r.attribute(XorRelayedAddress.class).orElseThrow().address();
    }

    /** A new connection to the same listener that sends ConnectionBind, signed with the control client's key and nonce. */
    static Socket bind(TurnServer server, String transport, TurnTestClient control, long id) throws IOException {
        Socket s = transport.equals("tls") ? TlsSockets.connect(server.tlsAddress()) : new Socket();
        if (!s.isConnected()) {
            s.connect(server.tcpAddress(), 2000);
        }
        StunMessage r = sendBind(s, control, id);
        assertThat(r.messageClass()).as(r.toString()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        return s;
    }

    /** ConnectionBind on {@code s} (plain TCP to the server if not yet connected), signed as the control client; its response. */
    static StunMessage sendBind(Socket s, TurnTestClient control, long id) throws IOException {
        s.setSoTimeout(5000);
        StunMessage req = StunMessage.request(CONNECTION_BIND).add(new ConnectionId(id)).add(new Username(USER))
                .add(new Realm(control.realm)).add(new Nonce(control.nonce)).build();
        s.getOutputStream().write(StunEncoder.standard().encode(req, MessageProtection.NONE.withIntegrity(control.key())));
        s.getOutputStream().flush();
        return readMessage(s);
    }

    static StunMessage readMessage(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] head = new byte[20];
        in.readFully(head);
        int len = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
        byte[] all = Arrays.copyOf(head, 20 + len);
        in.readFully(all, 20, len);
        try {
            return TurnAttributes.DECODER.decode(all);
        } catch (dev.peerlink.stun.StunDecodeException e) {
            throw new IOException(e);
        }
    }

    static byte[] readN(Socket s, int n) throws IOException {
        byte[] b = new byte[n];
        new DataInputStream(s.getInputStream()).readFully(b);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "tls"})
    void connectThenBindCarriesRawBytesBothWays(String transport) throws Exception {
        try (TurnServer server = TestServers.start();
             ServerSocket peerListener = new ServerSocket(0, 1, TestServers.LOOPBACK);
             TurnTestClient c = control(server, transport)) {
            InetSocketAddress relayed = allocateTcp(c);
            InetSocketAddress peer = (InetSocketAddress) peerListener.getLocalSocketAddress();
            StunMessage r = c.authed(CONNECT, b -> b.add(new XorPeerAddress(peer)));
            assertThat(r.messageClass()).as(r.toString()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            long id = r.attribute(ConnectionId.class).orElseThrow().id();
            try (Socket peerSide = peerListener.accept()) {
                assertThat(peerSide.getRemoteSocketAddress()).as("from the relayed address").isEqualTo(relayed);
                peerSide.setSoTimeout(5000);
                peerSide.getOutputStream().write("early".getBytes(StandardCharsets.UTF_8)); // before the bind: held, not lost
                assertThat(TurnTestClient.errorCode(c.authed(CONNECT, b -> b.add(new XorPeerAddress(peer)))))
                        .as("second Connect to the same peer").isEqualTo(446);
                try (Socket data = bind(server, transport, c, id)) {
                    assertThat(new String(readN(data, 5), StandardCharsets.UTF_8)).isEqualTo("early");
                    byte[] big = new byte[1 << 20];
                    new Random(7).nextBytes(big);
                    Thread writer = Thread.ofVirtual().start(() -> {
                        try {
                            data.getOutputStream().write(big);
                            data.getOutputStream().flush();
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    assertThat(readN(peerSide, big.length)).isEqualTo(big);
                    writer.join();
                    peerSide.getOutputStream().write(big);
                    assertThat(readN(data, big.length)).isEqualTo(big);
                    // A second bind of the same ID is refused.
                    try (Socket again = new Socket()) {
                        again.connect(server.tcpAddress(), 2000);
                        assertThat(TurnTestClient.errorCode(sendBind(again, c, id))).isEqualTo(400);
                    }
                    // The peer closing ends the data connection.
                    peerSide.close();
                    assertThat(data.getInputStream().read()).isEqualTo(-1);
                }
            }
        }
    }

    @Test
    void peerConnectingInIsAnnouncedAndBound() throws Exception {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = control(server, "tcp")) {
            InetSocketAddress relayed = allocateTcp(c);
            try (Socket unpermitted = new Socket()) {
                unpermitted.connect(relayed, 2000);
                unpermitted.setSoTimeout(5000);
                assertThat(unpermitted.getInputStream().read()).as("no permission: closed").isEqualTo(-1);
            }
            assertThat(c.createPermission(new InetSocketAddress(TestServers.LOOPBACK, 1)).messageClass())
                    .isEqualTo(StunClass.SUCCESS_RESPONSE);
            try (Socket peer = new Socket()) {
                peer.connect(relayed, 2000);
                peer.setSoTimeout(5000);
                byte[] raw = c.receiveRaw(3000);
                StunMessage attempt = TurnAttributes.DECODER.decode(raw);
                assertThat(attempt.method()).isEqualTo(CONNECTION_ATTEMPT);
                assertThat(attempt.messageClass()).isEqualTo(StunClass.INDICATION);
                assertThat(attempt.attribute(XorPeerAddress.class).orElseThrow().address())
                        .isEqualTo(peer.getLocalSocketAddress());
                long id = attempt.attribute(ConnectionId.class).orElseThrow().id();
                try (Socket data = bind(server, "tcp", c, id)) {
                    peer.getOutputStream().write("from peer".getBytes(StandardCharsets.UTF_8));
                    assertThat(new String(readN(data, 9), StandardCharsets.UTF_8)).isEqualTo("from peer");
                    data.getOutputStream().write("to peer".getBytes(StandardCharsets.UTF_8));
                    assertThat(new String(readN(peer, 7), StandardCharsets.UTF_8)).isEqualTo("to peer");
                    // Deleting the allocation closes its connections.
                    assertThat(c.refresh(0).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
                    assertThat(peer.getInputStream().read()).isEqualTo(-1);
                    assertThat(data.getInputStream().read()).isEqualTo(-1);
                }
            }
        }
    }

    @Test
    void unboundPeerConnectionIsClosedAfterTheBindTimeout() throws Exception {
        try (TurnServer server = TestServers.start(b -> b.connectionBindTimeout(Duration.ofMillis(300)));
             ServerSocket peerListener = new ServerSocket(0, 1, TestServers.LOOPBACK);
             TurnTestClient c = control(server, "tcp")) {
            allocateTcp(c);
            StunMessage r = c.authed(CONNECT, b -> b.add(new XorPeerAddress((InetSocketAddress) peerListener.getLocalSocketAddress())));
            long id = r.attribute(ConnectionId.class).orElseThrow().id();
            try (Socket peerSide = peerListener.accept()) {
                peerSide.setSoTimeout(5000);
                assertThat(peerSide.getInputStream().read()).as("closed unbound").isEqualTo(-1);
            }
            try (Socket late = new Socket()) {
                late.connect(server.tcpAddress(), 2000);
                assertThat(TurnTestClient.errorCode(sendBind(late, c, id))).as("bind after the timeout").isEqualTo(400);
            }
        }
    }

    @Test
    void refusalsFollowTheRfcAndThePeerPolicy() throws Exception {
        try (TurnServer server = TestServers.start(b -> b.allowedPeersCleared());
             TurnTestClient udp = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient c = control(server, "tcp");
             ServerSocket closedPort = new ServerSocket(0, 1, TestServers.LOOPBACK)) {
            // TCP relaying needs a TCP or TLS control connection.
            assertThat(TurnTestClient.errorCode(udp.authed(StunMethod.ALLOCATE,
                    b -> b.add(new RequestedTransport(RequestedTransport.TCP))))).isEqualTo(400);
            assertThat(TurnTestClient.errorCode(c.authed(StunMethod.ALLOCATE,
                    b -> b.add(new RequestedTransport(RequestedTransport.TCP)).add(new EvenPort(false))))).isEqualTo(400);
            allocateTcp(c);
            // Loopback peers are refused by default, exactly as for UDP.
            InetSocketAddress loop = (InetSocketAddress) closedPort.getLocalSocketAddress();
            assertThat(TurnTestClient.errorCode(c.authed(CONNECT, b -> b.add(new XorPeerAddress(loop))))).isEqualTo(403);
            assertThat(TurnTestClient.errorCode(c.authed(CONNECT, b -> { }))).isEqualTo(400);
            assertThat(TurnTestClient.errorCode(c.channelBind(0x4000, new InetSocketAddress("192.0.2.1", 9)))).isEqualTo(400);
            assertThat(server.stats().refusals(Refusal.FORBIDDEN_PEER)).isEqualTo(1);
        }
        try (TurnServer server = TestServers.start();
             TurnTestClient c = control(server, "tcp")) {
            allocateTcp(c);
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, TestServers.LOOPBACK)) {
                port = s.getLocalPort();
            }
            InetSocketAddress nobody = new InetSocketAddress(TestServers.LOOPBACK, port);
            assertThat(TurnTestClient.errorCode(c.authed(CONNECT, b -> b.add(new XorPeerAddress(nobody))))).isEqualTo(447);
        }
    }

    @Test
    void closingTheControlConnectionClosesPeerAndDataConnections() throws Exception {
        try (TurnServer server = TestServers.start();
             ServerSocket peerListener = new ServerSocket(0, 1, TestServers.LOOPBACK)) {
            Socket data;
            Socket peerSide;
            try (TurnTestClient c = control(server, "tcp")) {
                allocateTcp(c);
                StunMessage r = c.authed(CONNECT, b -> b.add(new XorPeerAddress((InetSocketAddress) peerListener.getLocalSocketAddress())));
                peerSide = peerListener.accept();
                data = bind(server, "tcp", c, r.attribute(ConnectionId.class).orElseThrow().id());
            }
            peerSide.setSoTimeout(5000);
            assertThat(peerSide.getInputStream().read()).isEqualTo(-1);
            assertThat(data.getInputStream().read()).isEqualTo(-1);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().allocationsActive() == 0);
            data.close();
            peerSide.close();
        }
    }
}
