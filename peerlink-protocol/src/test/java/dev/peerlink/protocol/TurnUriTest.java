package dev.peerlink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnUriTest {
    @Test
    void readsTheRfc7065FormsWithIpLiterals() {
        assertThat(TurnUri.parse("turns:198.51.100.1:443")).isEqualTo(new TurnUri(true, true, new InetSocketAddress("198.51.100.1", 443)));
        assertThat(TurnUri.parse("turn:198.51.100.1:3480?transport=tcp"))
                .isEqualTo(new TurnUri(false, true, new InetSocketAddress("198.51.100.1", 3480)));
        assertThat(TurnUri.parse("turn:[2001:db8::1]:3478")).isEqualTo(new TurnUri(false, false, new InetSocketAddress("2001:db8::1", 3478)));
        assertThat(TurnUri.parse("198.51.100.1:3480").tcp()).as("a bare ip:port is UDP").isFalse();
        for (String s : List.of("turns:198.51.100.1:443", "turn:198.51.100.1:3480?transport=tcp", "turn:198.51.100.1:3480")) {
            assertThat(TurnUri.parse(s).toString()).isEqualTo(s);
        }
    }

    @Test
    void refusesWhatItCannotReach() {
        assertThatThrownBy(() -> TurnUri.parse("turns:198.51.100.1:443?transport=udp")).as("DTLS")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TurnUri.parse("turn:198.51.100.1:3480?transport=sctp")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TurnUri.parse("turns:relay.example.org:443")).as("IP literals only")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RelayGrant(List.of(), "u", "p", 60, List.of("stun:198.51.100.1:3478")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
