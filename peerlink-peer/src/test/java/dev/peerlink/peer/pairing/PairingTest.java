package dev.peerlink.peer.pairing;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.peer.pairing.PairingException.Reason;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Listener and dialer on loopback. */
class PairingTest {
    static final SessionConfig CONFIG = SessionConfig.defaults().withHandshakeTimeout(Duration.ofSeconds(5));
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    final DeviceIdentity pc = DeviceIdentity.generate();
    final DeviceIdentity phone = DeviceIdentity.generate();
    final List<PairingException> refusals = new CopyOnWriteArrayList<>();

    PairingListener listen(PairingListener.Builder b) throws IOException {
        PairingListener l = b.start();
        l.onRefused(refusals::add);
        return l;
    }

    PairingListener.Builder loopback() {
        return PairingListener.builder(pc, DeviceId.of("office-pc")).config(CONFIG)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    void awaitOneRefusal() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !refusals.isEmpty());
    }

    static PairingCode with(PairingCode c, byte[] token, Instant expiry, DeviceIdentity key) {
        return new PairingCode(c.deviceId(), key == null ? c.identity() : key.publicIdentity(), c.candidates(),
                token == null ? c.token() : token, expiry == null ? c.expiry() : expiry);
    }

    @Test
    void pairsAndMovesOneMegabyteBothWaysWithEcho() throws Exception {
        try (PairingListener l = listen(loopback())) {
            assertThat(l.code().candidates()).containsExactly(l.localAddress());
            assertThat(l.code().identity()).isEqualTo(pc.publicIdentity());
            CompletableFuture<PairingListener.Paired> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return l.accept(TIMEOUT);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            PairingCode scanned = PairingCode.parse(l.code().toText(), Instant.now());
            try (SecureSession s = PairingDialer.dial(scanned, phone, DeviceId.of("phone"), CONFIG, TIMEOUT)) {
                PairingListener.Paired p = accepted.get(15, TimeUnit.SECONDS);
                assertThat(p.peer()).isEqualTo(phone.publicIdentity());
                assertThat(p.session().peerIdentity()).isEqualTo(phone.publicIdentity());
                assertThat(p.deviceId()).contains(DeviceId.of("phone"));
                assertThat(s.peerIdentity()).isEqualTo(pc.publicIdentity());
                // echo server on the listener side
                Thread.ofVirtual().start(() -> {
                    try (SecureStream st = p.session().acceptStream()) {
                        st.input().transferTo(st.output());
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                byte[] data = new byte[1 << 20];
                new Random(7).nextBytes(data);
                SecureStream st = s.openStream();
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        st.output().write(data);
                        st.output().close();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                byte[] back = st.input().readAllBytes();
                writer.join();
                assertThat(back).isEqualTo(data);
                p.session().close();
            }
            assertThat(refusals).isEmpty();
        }
    }

    @Test
    void wrongTokenIsRefusedOnBothSides() throws Exception {
        try (PairingListener l = listen(loopback())) {
            PairingCode forged = with(l.code(), PairingCode.newToken(), null, null);
            assertThatThrownBy(() -> PairingDialer.dial(forged, phone, CONFIG, TIMEOUT))
                    .isInstanceOfSatisfying(PairingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_TOKEN))
                    .hasMessageContaining("refused the pairing token");
            awaitOneRefusal();
            assertThat(refusals).singleElement().satisfies(e -> {
                assertThat(e.reason()).isEqualTo(Reason.WRONG_TOKEN);
                assertThat(e.getMessage()).contains("wrong token", phone.publicIdentity().fingerprint());
            });
            // the real code still works afterwards (after the rate-limit delay)
            try (SecureSession s = PairingDialer.dial(l.code(), phone, CONFIG, TIMEOUT)) {
                assertThat(l.accept(TIMEOUT).peer()).isEqualTo(phone.publicIdentity());
            }
        }
    }

    @Test
    void aTokenIsUsedOnce() throws Exception {
        try (PairingListener l = listen(loopback())) {
            try (SecureSession first = PairingDialer.dial(l.code(), phone, CONFIG, TIMEOUT)) {
                l.accept(TIMEOUT).session().close();
            }
            DeviceIdentity other = DeviceIdentity.generate();
            assertThatThrownBy(() -> PairingDialer.dial(l.code(), other, CONFIG, TIMEOUT))
                    .isInstanceOfSatisfying(PairingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOKEN_USED))
                    .hasMessageContaining("already used");
            awaitOneRefusal();
            assertThat(refusals).singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.TOKEN_USED));
            assertThatThrownBy(() -> l.accept(Duration.ofMillis(300)))
                    .isInstanceOfSatisfying(PairingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOKEN_USED));
        }
    }

    @Test
    void expiredCodesAreRefusedLocallyAndByTheListener() throws Exception {
        try (PairingListener l = listen(loopback().ttl(Duration.ofSeconds(1)))) {
            PairingCode old = with(l.code(), null, Instant.now().minus(Duration.ofMinutes(5)), null);
            assertThatThrownBy(() -> PairingDialer.dial(old, phone, CONFIG, TIMEOUT))
                    .isInstanceOfSatisfying(PairingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
            assertThat(refusals).as("refused before dialing").isEmpty();
            Instant expired = l.code().expiry().plusMillis(100);
            await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(expired));
            // within the dialer's clock-skew allowance: the listener's clock decides
            assertThatThrownBy(() -> PairingDialer.dial(l.code(), phone, CONFIG, TIMEOUT))
                    .isInstanceOfSatisfying(PairingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED))
                    .hasMessageContaining("expired");
            awaitOneRefusal();
            assertThat(refusals).singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
            assertThatThrownBy(() -> l.accept(TIMEOUT))
                    .isInstanceOfSatisfying(PairingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
        }
    }

    @Test
    void aListenerWithAnotherKeyThanTheCodeSaysIsRefused() throws Exception {
        try (PairingListener l = listen(loopback())) {
            PairingCode wrongKey = with(l.code(), null, null, DeviceIdentity.generate());
            assertThatThrownBy(() -> PairingDialer.dial(wrongKey, phone, CONFIG, TIMEOUT))
                    .isInstanceOfSatisfying(PairingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PIN_MISMATCH))
                    .hasMessageContaining("its key differs");
        }
    }

    @Test
    void unreachableIsAClearErrorNotAHang() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PairingCode dead = new PairingCode(DeviceId.of("gone"), pc.publicIdentity(),
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)), PairingCode.newToken(),
                Instant.now().plusSeconds(600));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> PairingDialer.dial(dead, phone, CONFIG, TIMEOUT))
                .isInstanceOfSatisfying(PairingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE))
                .hasMessageContaining("127.0.0.1:" + port);
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void twoAddressesOfOneListenerRaceWithoutBurningTheToken() throws Exception {
        PairingListener.Builder b = PairingListener.builder(pc, DeviceId.of("office-pc")).config(CONFIG)
                .bind(new InetSocketAddress("0.0.0.0", 0));
        {
            // Port 0 in an advertised address is the port the listener binds (no bind-close-rebind race).
            try (PairingListener l = listen(b.advertise(List.of(
                    new InetSocketAddress("10.255.255.1", 0), // blackholed or unroutable: Happy Eyeballs moves on
                    new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.2", 0))))) {
                assertThat(l.code().candidates()).allMatch(a -> a.getPort() == l.localAddress().getPort());
                try (SecureSession s = PairingDialer.dial(l.code(), phone, CONFIG, TIMEOUT)) {
                    assertThat(l.accept(TIMEOUT).peer()).isEqualTo(phone.publicIdentity());
                }
                // nothing is refused afterwards either (the other candidates' attempts end quietly)
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(refusals::isEmpty);
                assertThat(refusals).isEmpty();
            }
        }
    }

    @Test
    void tooManyRefusedAttemptsCloseTheListener() throws Exception {
        try (PairingListener l = listen(loopback().maxFailures(2))) {
            PairingCode forged = with(l.code(), PairingCode.newToken(), null, null);
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> PairingDialer.dial(forged, phone, CONFIG, TIMEOUT))
                        .isInstanceOfSatisfying(PairingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_TOKEN));
            }
            assertThatThrownBy(() -> l.accept(TIMEOUT))
                    .isInstanceOfSatisfying(PairingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_ATTEMPTS));
            assertThatThrownBy(() -> PairingDialer.dial(l.code(), phone, CONFIG, TIMEOUT))
                    .isInstanceOfSatisfying(PairingException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE));
        }
    }
}
