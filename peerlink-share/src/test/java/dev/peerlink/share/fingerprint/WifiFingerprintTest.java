package dev.peerlink.share.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WifiFingerprintTest {
    /** SHA-256("peerlink-share-v1" 0x00 "aa:bb:cc:dd:ee:ff"), first 16 bytes, computed independently (Python hashlib). */
    private static final String KNOWN_ID = "wifi:5cebd10782cadcce2c70ae2c90978936";

    @Test
    void bssidsAreHashedToSaltedNetworkIds() {
        WifiFingerprint fp = WifiFingerprint.ofBssids(Map.of("aa:bb:cc:dd:ee:ff", -61));
        assertThat(fp.rssi()).containsExactly(Map.entry(KNOWN_ID, -61));
        assertThat(fp.toString()).doesNotContain("aa:bb:cc");
    }

    @Test
    void bssidCaseAndSeparatorDoNotChangeTheId() {
        assertThat(WifiFingerprint.ofBssids(Map.of("AA-BB-CC-DD-EE-FF", -61)).rssi()).containsOnlyKeys(KNOWN_ID);
        assertThat(WifiFingerprint.ofBssids(Map.of(" Aa:bB:cc:DD:ee:ff ", -61)).rssi()).containsOnlyKeys(KNOWN_ID);
    }

    @Test
    void anotherSaltGivesAnotherId() {
        assertThat(WifiFingerprint.ofBssids(Map.of("aa:bb:cc:dd:ee:ff", -61), "site-7").rssi()).doesNotContainKey(KNOWN_ID);
    }

    @Test
    void sameBssidWrittenTwoWaysKeepsTheStrongerReading() {
        assertThat(WifiFingerprint.ofBssids(Map.of("aa:bb:cc:dd:ee:ff", -80, "AA:BB:CC:DD:EE:FF", -60)).rssi())
                .containsExactly(Map.entry(KNOWN_ID, -60));
    }

    @Test
    void atMost64AccessPoints() {
        Map<String, Integer> many = new HashMap<>();
        for (int i = 0; i < 65; i++) {
            many.put(String.format("02:00:00:00:00:%02x", i), -70);
        }
        assertThatThrownBy(() -> WifiFingerprint.ofBssids(many))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("fingerprint has 65 access points; at most 64");
        many.remove("02:00:00:00:00:00");
        assertThat(WifiFingerprint.ofBssids(many).size()).isEqualTo(64);
    }

    @Test
    void malformedInputIsRefused() {
        assertThatThrownBy(() -> WifiFingerprint.ofBssids(Map.of("aa:bb:cc:dd:ee", -61)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected a BSSID");
        assertThatThrownBy(() -> WifiFingerprint.ofBssids(Map.of("aa:bb:cc:dd:ee:ff", 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RSSI");
        assertThatThrownBy(() -> WifiFingerprint.ofBssids(Map.of("aa:bb:cc:dd:ee:ff", -121)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RSSI");
        assertThatThrownBy(() -> new WifiFingerprint(Map.of("aa:bb:cc:dd:ee:ff", -61)))
                .as("raw BSSIDs are not network ids").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wifi:<32 hex>");
        assertThatThrownBy(() -> WifiFingerprint.ofBssids(Map.of("aa:bb:cc:dd:ee:ff", -61), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("salt");
    }

    @Test
    void rssiMapIsImmutable() {
        WifiFingerprint fp = WifiFingerprint.ofBssids(Map.of("aa:bb:cc:dd:ee:ff", -61));
        assertThatThrownBy(() -> fp.rssi().put(KNOWN_ID, -1)).isInstanceOf(UnsupportedOperationException.class);
    }
}
