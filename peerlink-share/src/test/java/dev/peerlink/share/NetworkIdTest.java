package dev.peerlink.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkIdTest {
    private static final String RAW = "raw BSSIDs never go on the wire; hash them with NetworkId.wifi";

    @Test
    void wifiIsTheTruncatedSaltedSha256OfTheNormalisedBssid() {
        // expected values computed outside Java: sha256(salt + b"\0" + b"aa:bb:cc:dd:ee:ff")[:16]
        assertThat(NetworkId.wifi("aa:bb:cc:dd:ee:ff", NetworkId.DEFAULT_SALT)).isEqualTo("wifi:5cebd10782cadcce2c70ae2c90978936");
        assertThat(NetworkId.wifi("aa:bb:cc:dd:ee:ff", "other")).isEqualTo("wifi:2aee1b848d7133658c43e716a9131c71");
        assertThat(NetworkId.wifi("aa:bb:cc:dd:ee:ff")).isEqualTo(NetworkId.wifi("aa:bb:cc:dd:ee:ff", NetworkId.DEFAULT_SALT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"AA:BB:CC:DD:EE:FF", "aa-bb-cc-dd-ee-ff", "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff", "AABBCCDDEEFF", " aa:bb:cc:dd:ee:ff "})
    void everyBssidFormHashesTheSame(String form) {
        assertThat(NetworkId.normaliseBssid(form)).isEqualTo("aa:bb:cc:dd:ee:ff");
        assertThat(NetworkId.wifi(form, "s")).isEqualTo(NetworkId.wifi("aa:bb:cc:dd:ee:ff", "s"));
    }

    @Test
    void differentBssidsOrSaltsHashDifferently() {
        String a = NetworkId.wifi("aa:bb:cc:dd:ee:ff", "s");
        assertThat(NetworkId.wifi("aa:bb:cc:dd:ee:fe", "s")).isNotEqualTo(a);
        assertThat(NetworkId.wifi("aa:bb:cc:dd:ee:ff", "t")).isNotEqualTo(a);
        assertThat(NetworkId.validate(a)).isEqualTo(a);
        assertThat(NetworkId.isWifi(a)).isTrue();
        assertThat(NetworkId.isCell(a)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:gg", "aa:bb-cc:dd:ee:ff", "", "hello"})
    void malformedBssidsAreRefused(String bad) {
        assertThatThrownBy(() -> NetworkId.wifi(bad, "s")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BSSID");
    }

    @Test
    void saltMustBeGiven() {
        assertThatThrownBy(() -> NetworkId.wifi("aa:bb:cc:dd:ee:ff", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkId.wifi("aa:bb:cc:dd:ee:ff", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cellIds() {
        assertThat(NetworkId.cell("460-00-4567-12345")).isEqualTo("cell:460-00-4567-12345");
        assertThat(NetworkId.validate("cell:460-00-4567-12345")).isEqualTo("cell:460-00-4567-12345");
        assertThat(NetworkId.isCell("cell:460-00-4567-12345")).isTrue();
        assertThat(NetworkId.isWifi("cell:460-00-4567-12345")).isFalse();
        // a 12-digit numeric cell id is ordinary, not a MAC
        assertThat(NetworkId.validate("cell:460001234567")).isEqualTo("cell:460001234567");
        assertThat(NetworkId.validate("cell:" + "9".repeat(64))).hasSize(69);
        assertThatThrownBy(() -> NetworkId.cell("a".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkId.cell("460_00")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkId.cell("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkId.cell("aa-bb-cc-dd-ee-ff")).hasMessage(RAW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff", "aabbccddeeff",
            "wifi:aa:bb:cc:dd:ee:ff", "wifi:aabbccddeeff", "wifi:AA-BB-CC-DD-EE-FF", "cell:aa-bb-cc-dd-ee-ff", "cell:aa:bb:cc:dd:ee:ff"})
    void rawBssidsAreRefusedWithTheirOwnMessage(String raw) {
        assertThatThrownBy(() -> NetworkId.validate(raw)).isInstanceOf(IllegalArgumentException.class).hasMessage(RAW);
        assertThat(NetworkId.isWifi(raw) || NetworkId.isCell(raw)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"wifi:5CEBD10782CADCCE2C70AE2C90978936", "wifi:5cebd107", "wifi:", "cell:", "cell:a b",
            "gsm:123", "5cebd10782cadcce2c70ae2c90978936"})
    void malformedWireFormsAreRefused(String bad) {
        assertThatThrownBy(() -> NetworkId.validate(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("raw");
    }

    @Test
    void emptyNullAndOverlongAreRefused() {
        assertThatThrownBy(() -> NetworkId.validate(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkId.validate("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkId.validate("cell:" + "1".repeat(10_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer");
    }
}
