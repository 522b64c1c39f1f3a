package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zxing.common.BitMatrix;
import dev.peerlink.peer.pairing.PairingCode;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.secure.DeviceIdentity;
import java.awt.image.BufferedImage;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairingQrTest {
    @TempDir
    Path dir;

    static PairingCode code() {
        return new PairingCode(DeviceId.of("office-pc"), DeviceIdentity.generate().publicIdentity(),
                List.of(new InetSocketAddress("192.168.1.20", 41234), new InetSocketAddress("fd00::7", 41234)),
                PairingCode.newToken(), Instant.now().plusSeconds(600));
    }

    @Test
    void pngRoundTrip() throws Exception {
        PairingCode c = code();
        Path png = dir.resolve("pairing.png");
        PairingQr.writePng(c.toText(), png);
        assertThat(PairingCode.parse(PairingQr.decode(png))).isEqualTo(c);
        BufferedImage img = ImageIO.read(png.toFile());
        int modules = PairingQr.matrix(c.toText()).getWidth();
        assertThat(img.getWidth()).isEqualTo(modules * PairingQr.PNG_SCALE);
    }

    @Test
    void alphanumericModeKeepsTheSymbolSmall() {
        // 158 characters in alphanumeric mode at level M fit version 7 (45 modules)
        BitMatrix m = PairingQr.matrix(code().toText());
        assertThat(m.getWidth() - 2 * PairingQr.QUIET_ZONE).isLessThanOrEqualTo(45);
    }

    @Test
    void terminalRenderingHasAQuietZoneAndDecodes() throws Exception {
        String text = code().toText();
        BitMatrix m = PairingQr.matrix(text);
        for (boolean ansi : new boolean[] {true, false}) {
            String t = PairingQr.toTerminal(text, ansi);
            List<String> lines = t.lines().map(l -> l.replaceAll("\u001b\\[[0-9;]*m", "")).toList();
            assertThat(lines).hasSize((m.getHeight() + 1) / 2);
            assertThat(lines).allSatisfy(l -> assertThat(l).hasSize(m.getWidth()));
            if (ansi) {
                assertThat(t).contains("\u001b[30;47m", "\u001b[0m");
            }
            // re-parse the characters into modules (true = dark), then decode the picture
            boolean[][] dark = new boolean[lines.size() * 2][m.getWidth()];
            for (int row = 0; row < lines.size(); row++) {
                for (int x = 0; x < m.getWidth(); x++) {
                    char ch = lines.get(row).charAt(x);
                    boolean top = ch == '\u2588' || ch == '\u2580';
                    boolean bottom = ch == '\u2588' || ch == '\u2584';
                    dark[2 * row][x] = ansi == top;
                    dark[2 * row + 1][x] = ansi == bottom;
                }
            }
            for (int y = 0; y < m.getHeight(); y++) {
                for (int x = 0; x < m.getWidth(); x++) {
                    assertThat(dark[y][x]).as("module %d,%d", x, y).isEqualTo(m.get(x, y));
                }
            }
            int q = PairingQr.QUIET_ZONE;
            for (int y = 0; y < m.getHeight(); y++) {
                for (int x = 0; x < m.getWidth(); x++) {
                    if (y < q || x < q || y >= m.getHeight() - q || x >= m.getWidth() - q) {
                        assertThat(dark[y][x]).as("quiet zone %d,%d", x, y).isFalse();
                    }
                }
            }
            BufferedImage img = new BufferedImage(m.getWidth() * 4, m.getHeight() * 4, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.setRGB(x, y, dark[y / 4][x / 4] ? 0x000000 : 0xFFFFFF);
                }
            }
            assertThat(PairingQr.decode(img, "terminal")).isEqualTo(text);
        }
    }

    @Test
    void imagesWithoutAQrCodeAreAClearError() throws Exception {
        BufferedImage blank = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        Path png = dir.resolve("blank.png");
        ImageIO.write(blank, "PNG", png.toFile());
        assertThatThrownBy(() -> PairingQr.decode(png)).hasMessage("no QR code found in " + png);
        Path notImage = dir.resolve("text.png");
        Files.writeString(notImage, "hello");
        assertThatThrownBy(() -> PairingQr.decode(notImage)).hasMessageContaining("is not an image");
    }
}
