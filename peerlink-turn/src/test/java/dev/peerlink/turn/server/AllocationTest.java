package dev.peerlink.turn.server;

import static dev.peerlink.turn.server.TestServers.PASSWORD;
import static dev.peerlink.turn.server.TestServers.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.XorMappedAddress;
import dev.peerlink.turn.attribute.Lifetime;
import dev.peerlink.turn.attribute.RequestedAddressFamily;
import dev.peerlink.turn.attribute.RequestedTransport;
import dev.peerlink.turn.attribute.XorRelayedAddress;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Allocate and Refresh (RFC 8656 §7): success fields, error cases, lifetimes, expiry, quotas. */
class AllocationTest {

    @Test
    void allocateReturnsRelayedMappedAndDefaultLifetime() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.portRange(31000, 31009));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            StunMessage r = c.authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.UDP)));
            assertThat(r.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            InetSocketAddress relayed = r.attribute(XorRelayedAddress.class).orElseThrow().address();
            assertThat(relayed.getAddress()).isEqualTo(TestServers.LOOPBACK);
            assertThat(relayed.getPort()).isBetween(31000, 31009);
            assertThat(r.attribute(XorMappedAddress.class).orElseThrow().address()).isEqualTo(c.localAddress());
            assertThat(r.attribute(Lifetime.class).orElseThrow().seconds()).isEqualTo(600);
            assertThat(dev.peerlink.stun.StunIntegrity.verify(r, c.key())).as("response integrity").isTrue();
            assertThat(server.stats().allocationsActive()).isEqualTo(1);
            assertThat(server.stats().allocationsCreated()).isEqualTo(1);
        }
    }

    @Test
    void lifetimeIsClampedBetweenDefaultAndMaximum() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            StunMessage r = c.authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.UDP))
                    .add(new Lifetime(99_999)));
            assertThat(r.attribute(Lifetime.class).orElseThrow().seconds()).isEqualTo(3600);
            assertThat(c.refresh(10).attribute(Lifetime.class).orElseThrow().seconds()).isEqualTo(600);
            assertThat(c.refresh(1800).attribute(Lifetime.class).orElseThrow().seconds()).isEqualTo(1800);
        }
    }

    @Test
    void secondAllocateOnSameTupleIs437ButARetransmissionGetsTheSameAnswer() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            c.allocate();
            StunMessage first = c.lastResponse;
            // Retransmit the same transaction: same relayed address, no new allocation.
            StunMessage.Builder again = StunMessage.builder(StunMethod.ALLOCATE, StunClass.REQUEST, first.transactionId());
            StunMessage retransmitted = c.request(again, b -> b.add(new RequestedTransport(RequestedTransport.UDP)));
            assertThat(retransmitted.attribute(XorRelayedAddress.class)).isEqualTo(first.attribute(XorRelayedAddress.class));
            StunMessage other = c.authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.UDP)));
            assertThat(TurnTestClient.errorCode(other)).isEqualTo(437);
            assertThat(server.stats().allocationsCreated()).isEqualTo(1);
            assertThat(server.stats().refusals(Refusal.ALLOCATION_MISMATCH)).isEqualTo(1);
        }
    }

    @Test
    void allocateErrors() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            assertThat(TurnTestClient.errorCode(c.authed(StunMethod.ALLOCATE, b -> { }))).as("no REQUESTED-TRANSPORT").isEqualTo(400);
            assertThat(TurnTestClient.errorCode(c.authed(StunMethod.ALLOCATE,
                    b -> b.add(new RequestedTransport(132))))).as("SCTP is not relayed").isEqualTo(442);
            assertThat(TurnTestClient.errorCode(c.authed(StunMethod.ALLOCATE,
                    b -> b.add(new RequestedTransport(RequestedTransport.TCP))))).as("RFC 6062 §5.1: TCP needs a TCP control connection").isEqualTo(400);
            assertThat(TurnTestClient.errorCode(c.authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.UDP))
                    .add(new RequestedAddressFamily(RequestedAddressFamily.IPV6, false))))).isEqualTo(440);
            assertThat(server.stats().allocationsActive()).isZero();
            // None of the failures left anything behind: a clean Allocate still works.
            c.allocate();
        }
    }

    @Test
    void refreshWithZeroDeletesTheAllocationAndFreesItsPort() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.portRange(31100, 31100));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            InetSocketAddress relayed = c.allocate();
            assertThat(relayed.getPort()).isEqualTo(31100);
            StunMessage r = c.refresh(0);
            assertThat(r.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(r.attribute(Lifetime.class).orElseThrow().seconds()).isZero();
            assertThat(server.stats().allocationsActive()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> canBind(relayed));
            assertThat(TurnTestClient.errorCode(c.refresh(0))).as("no allocation any more").isEqualTo(437);
            // The only port of the range is free again: a new allocation gets it.
            assertThat(c.allocate().getPort()).isEqualTo(31100);
        }
    }

    @Test
    void requestsWithoutAllocationAre437AndFromAnotherUser441() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.user("bob", "builder"));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            assertThat(TurnTestClient.errorCode(c.refresh(600))).isEqualTo(437);
            assertThat(TurnTestClient.errorCode(c.createPermission(new InetSocketAddress("127.0.0.1", 9)))).isEqualTo(437);
            assertThat(TurnTestClient.errorCode(c.channelBind(0x4000, new InetSocketAddress("127.0.0.1", 9)))).isEqualTo(437);
            c.allocate();
            c.credentials("bob", "builder");
            assertThat(TurnTestClient.errorCode(c.refresh(600))).isEqualTo(441);
            assertThat(TurnTestClient.errorCode(c.createPermission(new InetSocketAddress("127.0.0.1", 9)))).isEqualTo(441);
        }
    }

    @Test
    void expiredAllocationIsDeletedAndItsSocketClosed() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.allocationLifetimes(Duration.ofMillis(600), Duration.ofSeconds(1)));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            InetSocketAddress relayed = c.allocate();
            assertThat(c.lastResponse.attribute(Lifetime.class).orElseThrow().seconds()).isEqualTo(1);
            assertThat(canBind(relayed)).as("relayed port held").isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> server.stats().allocationsExpired() == 1);
            assertThat(server.stats().allocationsActive()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> canBind(relayed));
            assertThat(TurnTestClient.errorCode(c.refresh(600))).isEqualTo(437);
        }
    }

    @Test
    void refreshKeepsTheAllocationAlive() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.allocationLifetimes(Duration.ofMillis(800), Duration.ofSeconds(2)));
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD)) {
            c.allocate();
            long until = System.nanoTime() + Duration.ofMillis(2000).toNanos();
            while (System.nanoTime() < until) {
                assertThat(c.refresh(1).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
                await().pollDelay(Duration.ofMillis(300)).until(() -> true);
            }
            assertThat(server.stats().allocationsExpired()).isZero();
            assertThat(server.stats().allocationsActive()).isEqualTo(1);
        }
    }

    @Test
    void perUserQuotaIs486AndTotalQuotaIs508() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.maxAllocationsPerUser(2).maxAllocations(3).user("bob", "builder"));
             TurnTestClient a1 = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient a2 = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient a3 = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient b1 = TurnTestClient.udp(server.udpAddress()).credentials("bob", "builder");
             TurnTestClient b2 = TurnTestClient.udp(server.udpAddress()).credentials("bob", "builder")) {
            a1.allocate();
            a2.allocate();
            StunMessage third = a3.authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.UDP)));
            assertThat(TurnTestClient.errorCode(third)).isEqualTo(486);
            b1.allocate();
            StunMessage full = b2.authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.UDP)));
            assertThat(TurnTestClient.errorCode(full)).isEqualTo(508);
            assertThat(server.stats().refusals(Refusal.USER_QUOTA)).isEqualTo(1);
            assertThat(server.stats().refusals(Refusal.CAPACITY)).isEqualTo(1);
            // Deleting one frees quota for its user.
            a1.refresh(0);
            a3.allocate();
        }
    }

    @Test
    void exhaustedPortRangeIs508() throws IOException {
        try (TurnServer server = TestServers.start(b -> b.portRange(31200, 31201));
             TurnTestClient a = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient b = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             TurnTestClient c = TurnTestClient.udp(server.udpAddress()).credentials(USER, PASSWORD);
             DatagramSocket squatter = new DatagramSocket(null)) {
            a.allocate();
            // Someone else holds the other port: the server must skip it, then give up with 508.
            int other = a.lastResponse.attribute(XorRelayedAddress.class).orElseThrow().address().getPort() == 31200 ? 31201 : 31200;
            squatter.bind(new InetSocketAddress(TestServers.LOOPBACK, other));
            StunMessage r = b.authed(StunMethod.ALLOCATE, x -> x.add(new RequestedTransport(RequestedTransport.UDP)));
            assertThat(TurnTestClient.errorCode(r)).isEqualTo(508);
            squatter.close();
            assertThat(c.allocate().getPort()).isEqualTo(other);
            assertThat(server.stats().allocationsActive()).isEqualTo(2);
        }
    }

    @Test
    void bindingIsAnsweredWithoutCredentials() throws IOException {
        try (TurnServer server = TestServers.start();
             TurnTestClient c = TurnTestClient.udp(server.udpAddress())) {
            StunMessage r = c.request(StunMethod.BINDING, b -> { });
            assertThat(r.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(r.attribute(XorMappedAddress.class).orElseThrow().address()).isEqualTo(c.localAddress());
        }
    }

    static boolean canBind(InetSocketAddress address) {
        try (DatagramSocket s = new DatagramSocket(address)) {
            return true;
        } catch (SocketException e) {
            return false;
        }
    }
}
