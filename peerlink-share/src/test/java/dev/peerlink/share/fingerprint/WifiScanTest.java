package dev.peerlink.share.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WifiScanTest {
    /** What all three sample dumps in /fingerprint/ hold (nmcli's percentages map to these exactly). */
    private static final WifiFingerprint EXPECTED = WifiFingerprint.ofBssids(Map.of(
            "aa:bb:cc:dd:ee:01", -61, "aa:bb:cc:dd:ee:02", -70, "aa:bb:cc:dd:ee:03", -52, "aa:bb:cc:dd:ee:04", -85));

    @TempDir
    Path dir;

    private Path resource(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = WifiScanTest.class.getResourceAsStream("/fingerprint/" + name)) {
            Files.copy(in, file);
        }
        return file;
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void theThreeFormatsOfTheSameScanGiveEqualFingerprints() throws IOException {
        assertThat(WifiScan.read(resource("scan.json"))).isEqualTo(EXPECTED);
        assertThat(WifiScan.read(resource("scan-iw.txt"))).isEqualTo(EXPECTED);
        assertThat(WifiScan.read(resource("scan-nmcli.txt"))).isEqualTo(EXPECTED);
    }

    @Test
    void formatsAreDetectedByShape() throws IOException {
        assertThat(WifiScan.detect(Files.readString(resource("scan.json")))).isEqualTo(WifiScan.Format.JSON);
        assertThat(WifiScan.detect(Files.readString(resource("scan-iw.txt")))).isEqualTo(WifiScan.Format.IW);
        assertThat(WifiScan.detect(Files.readString(resource("scan-nmcli.txt")))).isEqualTo(WifiScan.Format.NMCLI);
    }

    @Test
    void moreThan64KeepsTheStrongest() throws IOException {
        // 80 access points at -20 .. -99 dBm: the 64 strongest are -20 .. -83
        String json = IntStream.range(0, 80)
                .mapToObj(i -> String.format("{\"bssid\":\"02:00:00:00:00:%02x\",\"rssi\":%d}", i, -20 - i))
                .collect(Collectors.joining(",", "[", "]"));
        WifiFingerprint fp = WifiScan.read(write("many.json", json));
        assertThat(fp.size()).isEqualTo(64);
        assertThat(fp.rssi().values()).allMatch(dbm -> dbm >= -83);
        assertThat(fp.rssi().values().stream().mapToInt(Integer::intValue).min().orElseThrow()).isEqualTo(-83);
    }

    @Test
    void aBssidHeardTwiceKeepsTheStrongerReading() {
        WifiFingerprint fp = WifiScan.parse("AA\\:BB\\:CC\\:DD\\:EE\\:01:40\nAA\\:BB\\:CC\\:DD\\:EE\\:01:78\n", WifiFingerprint.DEFAULT_SALT);
        assertThat(fp).isEqualTo(WifiFingerprint.ofBssids(Map.of("aa:bb:cc:dd:ee:01", -61)));
    }

    @Test
    void filesOver1MiBAreRefused() throws IOException {
        Path big = write("big.json", "[" + " ".repeat(WifiScan.MAX_FILE_BYTES) + "]");
        assertThatThrownBy(() -> WifiScan.read(big)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1048576");
    }

    @Test
    void garbageIsRefusedWithAClearMessage() throws IOException {
        assertThatThrownBy(() -> WifiScan.read(write("empty.txt", "  \n"))).hasMessageContaining("empty");
        assertThatThrownBy(() -> WifiScan.read(write("prose.txt", "hello wifi\nsignal is good\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unrecognised scan format");
        assertThatThrownBy(() -> WifiScan.read(write("object.json", "[{\"mac\":\"aa:bb:cc:dd:ee:ff\"}]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("element 0");
        assertThatThrownBy(() -> WifiScan.read(write("broken.json", "[{\"bssid\":")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> WifiScan.read(write("loud.json", "[{\"bssid\":\"aa:bb:cc:dd:ee:ff\",\"rssi\":12}]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[-120, 0]");
        assertThatThrownBy(() -> WifiScan.read(write("iw.txt", "BSS aa:bb:cc:dd:ee:01(on wlan0)\n\tsignal: strong\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> WifiScan.read(write("nmcli.txt", "AA\\:BB\\:CC\\:DD\\:EE\\:01:78\nAA\\:BB\\:CC\\:DD\\:EE\\:02:170\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> WifiScan.read(write("nmcli2.txt", "AA\\:BB\\:CC\\:DD\\:EE\\:01:78\nrubbish\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        Path binary = Files.write(dir.resolve("scan.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28});
        assertThatThrownBy(() -> WifiScan.read(binary)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void rawBssidsAreNotKept() throws IOException {
        WifiFingerprint fp = WifiScan.read(resource("scan-iw.txt"));
        assertThat(fp.rssi().keySet()).allMatch(id -> id.matches("wifi:[0-9a-f]{32}"));
        assertThat(fp.toString().toLowerCase()).doesNotContain("aa:bb:cc");
    }
}
