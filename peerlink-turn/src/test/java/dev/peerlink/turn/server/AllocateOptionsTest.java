package dev.peerlink.turn.server;

import static dev.peerlink.turn.server.TestServers.PASSWORD;
import static dev.peerlink.turn.server.TestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunIntegrity;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.AlternateServer;
import dev.peerlink.turn.attribute.DontFragment;
import dev.peerlink.turn.attribute.EvenPort;
import dev.peerlink.turn.attribute.RequestedTransport;
import dev.peerlink.turn.attribute.ReservationToken;
import dev.peerlink.turn.attribute.XorRelayedAddress;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Allocate's optional attributes (RFC 8656 §7.2): EVEN-PORT and RESERVATION-TOKEN, DONT-FRAGMENT, and 300 Try Alternate. */
class AllocateOptionsTest {

    private static StunMessage allocate(TurnTestClient c, Consumer<StunMessage.Builder> extra) throws IOException {
        return c.authed(StunMethod.ALLOCATE, b -> {
            b.add(new RequestedTransport(RequestedTransport.UDP));
            extra.accept(b);
        });
    }

    private static int relayedPort(StunMessage r) {
        return r.attribute(XorRelayedAddress.class).orElseThrow(() -> new AssertionError("no relayed address: " + r))
                .address().getPort();
    }

    @Test
    void evenPortWithReserveGivesAnEvenPortAndATokenForTheNext() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.portRange(31300, 31399));
             TurnTestClient rtp = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient rtcp = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient late = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            StunMessage first = allocate(rtp, b -> b.add(new EvenPort(true)));
            int port = relayedPort(first);
            assertThat(port % 2).isZero();
            long token = first.attribute(ReservationToken.class).orElseThrow().token();
            // Held for the token: nobody else can bind it meanwhile.
            assertThat(canBind(port + 1)).isFalse();
            StunMessage second = allocate(rtcp, b -> b.add(new ReservationToken(token)));
            assertThat(second.messageClass()).as("%s", second).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(relayedPort(second)).isEqualTo(port + 1);
            assertThat(second.attribute(ReservationToken.class)).isEmpty();
            // A token is good once.
            StunMessage again = allocate(late, b -> b.add(new ReservationToken(token)));
            assertThat(TurnTestClient.errorCode(again)).isEqualTo(508);
            assertThat(server.stats().allocationsActive()).isEqualTo(2);
        }
    }

    @Test
    void evenPortWithoutReserveGivesNoToken() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.portRange(31400, 31499));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            StunMessage r = allocate(c, b -> b.add(new EvenPort(false)));
            assertThat(relayedPort(r) % 2).isZero();
            assertThat(r.attribute(ReservationToken.class)).isEmpty();
        }
    }

    @Test
    void unknownTokenIs508AndTokenWithEvenPortIs400() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            assertThat(TurnTestClient.errorCode(allocate(c, b -> b.add(new ReservationToken(0x1234_5678_9ABC_DEF0L)))))
                    .isEqualTo(508);
            assertThat(TurnTestClient.errorCode(allocate(c, b -> b.add(new ReservationToken(42)).add(new EvenPort(false)))))
                    .isEqualTo(400);
            assertThat(server.stats().allocationsActive()).isZero();
            c.allocate(); // nothing left behind
        }
    }

    @Test
    void reservationIsReleasedWhenTheServerCloses() throws IOException {
        int port;
        try (TurnServer server = TestServers.start(b -> b.portRange(31500, 31599));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            port = relayedPort(allocate(c, b -> b.add(new EvenPort(true))));
        }
        assertThat(canBind(port + 1)).isTrue();
    }

    /** Linux lets a UDP socket refuse fragmentation (IP_PMTUDISC_DO), so DONT-FRAGMENT is honoured, not refused. */
    @Test
    void dontFragmentIsAccepted() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            StunMessage r = allocate(c, b -> b.add(new DontFragment()));
            assertThat(r.messageClass()).as("%s", r).isEqualTo(StunClass.SUCCESS_RESPONSE);
        }
    }

    @Test
    void overTheThresholdAllocateIsSentToTheAlternate() throws IOException {
        InetSocketAddress alternate = new InetSocketAddress(TestServers.LOOPBACK, 3999);
        try (TurnServer server = TestServers.start(b -> b.alternateServer(alternate, 1));
             TurnTestClient a = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient b = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            a.allocate();
            StunMessage r = allocate(b, x -> { });
            assertThat(TurnTestClient.errorCode(r)).isEqualTo(300);
            assertThat(r.attribute(AlternateServer.class)).map(AlternateServer::address).contains(alternate);
            // Authenticated like any answer to a signed request, so a forged 300 cannot redirect clients.
            assertThat(StunIntegrity.verify(r, b.key())).isTrue();
            assertThat(server.stats().refusals(Refusal.REDIRECTED)).isEqualTo(1);
            assertThat(server.stats().allocationsActive()).isEqualTo(1);
        }
    }

    @Test
    void thresholdZeroDrainsTheServer() throws IOException {
        InetSocketAddress alternate = new InetSocketAddress(TestServers.LOOPBACK, 3999);
        try (TurnServer server = TestServers.start(b -> b.alternateServer(alternate, 0));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            assertThat(TurnTestClient.errorCode(allocate(c, x -> { }))).isEqualTo(300);
            assertThat(server.stats().allocationsActive()).isZero();
        }
    }

    private static boolean canBind(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(TestServers.LOOPBACK, port))) {
            return true;
        } catch (SocketException e) {
            return false;
        }
    }
}
