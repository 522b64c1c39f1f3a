package dev.peerlink.turn.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reservation tokens (RFC 8656 §7.2): good once, gone after 30 s with their port released. */
class ReservationsTest {

    @Test
    void aTokenIsRedeemedOnce() {
        RelayPorts ports = new RelayPorts(40000, 40001);
        int port = ports.claimPair(new HashSet<>());
        assertThat(port).isEqualTo(40000);
        Reservations r = new Reservations(ports);
        EmbeddedChannel placeholder = new EmbeddedChannel();
        long token = r.reserve(port + 1, placeholder);
        Reservations.Reserved got = r.take(token);
        assertThat(got.port()).isEqualTo(40001);
        assertThat(got.placeholder()).isSameAs(placeholder);
        assertThat(r.take(token)).isNull();
        assertThat(r.take(token + 1)).isNull();
    }

    @Test
    void anUnusedReservationExpiresAfter30SecondsAndFreesItsPort() {
        RelayPorts ports = new RelayPorts(40000, 40001);
        int port = ports.claimPair(new HashSet<>());
        Reservations r = new Reservations(ports);
        EmbeddedChannel placeholder = new EmbeddedChannel();
        long token = r.reserve(port + 1, placeholder);
        ports.release(port); // the even port's allocation went away; only the reservation holds 40001
        placeholder.advanceTimeBy(Reservations.LIFETIME_SECONDS - 1, TimeUnit.SECONDS);
        placeholder.runScheduledPendingTasks();
        assertThat(r.size()).isEqualTo(1);
        assertThat(ports.claim(false, new HashSet<>(List.of(40000)))).as("40001 still held").isEqualTo(-1);
        placeholder.advanceTimeBy(2, TimeUnit.SECONDS);
        placeholder.runScheduledPendingTasks();
        assertThat(r.take(token)).isNull();
        assertThat(placeholder.isOpen()).isFalse();
        assertThat(ports.claim(false, new HashSet<>(List.of(40000)))).isEqualTo(40001);
    }

    @Test
    void pairsStartEvenAndFitTheRange() {
        RelayPorts ports = new RelayPorts(40001, 40003); // only 40002/40003 is an even pair inside
        assertThat(ports.claimPair(new HashSet<>())).isEqualTo(40002);
        assertThat(ports.claimPair(new HashSet<>())).isEqualTo(-1);
    }
}
