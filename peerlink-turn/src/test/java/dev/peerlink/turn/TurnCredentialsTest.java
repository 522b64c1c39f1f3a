package dev.peerlink.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TurnCredentialsTest {
    @Test
    void mintsTheRestUsernameAndPasswordOfAKnownVector() {
        // Expected password from: printf '1700000600:alice' | openssl dgst -sha1 -hmac north-wind -binary | base64
        TurnCredentials c = TurnCredentials.mint("north-wind", "alice", Duration.ofMinutes(10),
                Instant.ofEpochSecond(1_700_000_000L));

        assertThat(c.username()).isEqualTo("1700000600:alice");
        assertThat(c.password()).isEqualTo("+ynvvd5H6tVm4AvSrj474oEaHmY=");
    }

    @Test
    void theServerRecomputesThePasswordFromTheUsername() {
        TurnCredentials c = TurnCredentials.mint("s3cret", "bob", Duration.ofHours(1));

        assertThat(TurnCredentials.restPassword("s3cret", c.username())).isEqualTo(c.password());
        assertThat(TurnCredentials.restPassword("other", c.username())).isNotEqualTo(c.password());
    }

    @Test
    void expiryIsNowPlusTtlInUnixSeconds() {
        Instant now = Instant.now();
        TurnCredentials c = TurnCredentials.mint("s", "u", Duration.ofSeconds(90), now);

        assertThat(c.username()).isEqualTo((now.getEpochSecond() + 90) + ":u");
    }

    @Test
    void toStringHidesThePassword() {
        assertThat(TurnCredentials.of("u", "secret-pass").toString()).doesNotContain("secret-pass");
    }
}
