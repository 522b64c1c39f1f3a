package dev.peerlink.cast.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The receiver page in a real browser: Debian's headless Chromium, driven by Selenium through Debian's chromedriver
 * (no Selenium Manager download). The live test feeds a real x264 stream (ffmpeg's SMPTE bars) and reads the
 * colours back from a screenshot of the canvas.
 */
class CastPageBrowserTest {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    /** ffmpeg's smptebars top row, left to right, at 75%: grey, yellow, cyan, green, magenta, red, blue. */
    private static final int[][] BARS = {
        {191, 191, 191}, {191, 191, 0}, {0, 191, 191}, {0, 191, 0}, {191, 0, 191}, {191, 0, 0}, {0, 0, 191}};
    /** Per channel: covers limited-range rounding, BT.601 vs BT.709 matrices and x264's chroma loss at bar edges. */
    private static final int TOLERANCE = 40;

    private static ChromeDriverService service;
    private static ChromeDriver driver;

    private final SimpleTagFeed feed = new SimpleTagFeed();
    private final CastStatus status = new CastStatus();
    private CastWebServer server;
    private TestEncoder encoder;

    @BeforeAll
    static void browser() {
        Assumptions.assumeTrue(new File(CHROMIUM).canExecute(), "no " + CHROMIUM + " (apt-get install chromium)");
        Assumptions.assumeTrue(new File(CHROMEDRIVER).canExecute(), "no " + CHROMEDRIVER + " (apt-get install chromium-driver)");
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions");
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(5));
    }

    @AfterAll
    static void closeBrowser() {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    @BeforeEach
    void startServer() throws Exception {
        server = CastWebServer.start(0, feed, status);
    }

    @AfterEach
    void stop() throws Exception {
        if (encoder != null) {
            encoder.close();
        }
        server.close();
    }

    @Test
    void waitingPageShowsTheQrAndThePairingCode() throws Exception {
        byte[] png = checkerPng();
        status.pairing("PL-7Q4M-XK2C");
        status.qrPng(() -> png);
        driver.get(server.url());

        WebElement qr = driver.findElement(By.id("qr"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> qr.isDisplayed() && naturalWidth(qr) > 0);
        assertThat(naturalWidth(qr)).isEqualTo(64);
        assertThat(driver.findElement(By.id("code")).getText()).isEqualTo("PL-7Q4M-XK2C");
        assertThat(driver.findElement(By.id("status")).getText()).startsWith("Waiting");
        assertThat(driver.findElement(By.id("live")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("error")).isDisplayed()).as("WebCodecs present on loopback").isFalse();
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "cast-web-waiting.png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void goesLiveWithoutReloadAndDrawsTheTestPatternsColours() throws Exception {
        Assumptions.assumeTrue(TestEncoder.available(), "no ffmpeg on PATH (apt-get install ffmpeg)");
        status.pairing("PL-7Q4M-XK2C");
        status.qrPng(CastPageBrowserTest::checkerPng);
        driver.get(server.url());
        await().atMost(10, TimeUnit.SECONDS).until(() -> driver.findElement(By.id("qr")).isDisplayed());

        encoder = TestEncoder.start(feed, status);
        status.live("direct");
        status.video(640, 360, 25.0);

        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> ((Number) stats().get("decoded")).longValue() > 50);
        Map<String, Object> stats = stats();
        assertThat(stats.get("error")).isNull();
        assertThat(stats.get("codec")).asString().startsWith("avc1.");
        assertThat(stats).containsEntry("width", 640L).containsEntry("height", 360L);
        assertThat(driver.findElement(By.id("qr")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("path")).getText()).isEqualTo("path: direct");

        WebElement canvas = driver.findElement(By.id("video"));
        Rectangle r = canvas.getRect();
        assertThat(r.getWidth()).isEqualTo(640);
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(driver.getScreenshotAs(OutputType.BYTES)));
        Path saved = Path.of("target", "cast-web-live.png");
        Files.createDirectories(saved.getParent());
        ImageIO.write(shot, "png", saved.toFile());

        int y = r.getY() + r.getHeight() / 4;
        StringBuilder sampled = new StringBuilder();
        for (int i = 0; i < BARS.length; i++) {
            int x = r.getX() + (int) (r.getWidth() * (i + 0.5) / BARS.length);
            Color c = new Color(shot.getRGB(x, y));
            sampled.append(String.format(" (%d,%d,%d)", c.getRed(), c.getGreen(), c.getBlue()));
            int[] want = BARS[i];
            assertThat(new int[] {c.getRed(), c.getGreen(), c.getBlue()})
                    .as("bar %d at (%d,%d) in %s", i, x, y, saved.toAbsolutePath())
                    .satisfies(got -> {
                        for (int ch = 0; ch < 3; ch++) {
                            assertThat(Math.abs(got[ch] - want[ch])).as("channel %d of %s vs %s", ch,
                                    java.util.Arrays.toString(got), java.util.Arrays.toString(want)).isLessThanOrEqualTo(TOLERANCE);
                        }
                    });
        }
        // let the counters tick once more, then report what the page measured
        await().atMost(3, TimeUnit.SECONDS).until(() -> ((Number) stats().get("fps")).doubleValue() > 0);
        stats = stats();
        System.out.printf("browser: %s decoded=%s dropped=%s fps=%s lagMs=%s decodeMs=%s%n", stats.get("codec"),
                stats.get("decoded"), stats.get("dropped"), stats.get("fps"), stats.get("lagMs"), stats.get("decodeMs"));
        System.out.println("bars sampled:" + sampled + "; screenshot: " + saved.toAbsolutePath());

        // the sender stops: the stream ends and the page goes back to the QR, again without a reload
        status.waiting();
        assertThat(encoder.stop()).as("ffmpeg exits").isTrue();
        await().atMost(5, TimeUnit.SECONDS).until(() -> feed.subscribers() == 0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> driver.findElement(By.id("qr")).isDisplayed()
                && !driver.findElement(By.id("live")).isDisplayed());
        await().atMost(5, TimeUnit.SECONDS).until(() -> status.snapshot().viewers() == 0);
    }

    @Test
    void overPlainHttpFromAnotherAddressThePageExplainsWhyItCannotPlay() throws Exception {
        InetAddress lan = nonLoopbackIpv4();
        Assumptions.assumeTrue(lan != null, "no non-loopback IPv4 address on this host");
        status.pairing("PL-7Q4M-XK2C");
        try (CastWebServer exposed = CastWebServer.start(new InetSocketAddress(lan, 0), feed, status)) {
            driver.get(exposed.url());
            WebElement error = driver.findElement(By.id("error"));
            await().atMost(10, TimeUnit.SECONDS).until(error::isDisplayed);
            assertThat(error.getText()).contains("not treat as a secure context", "SSH tunnel", "VLC");
            // the waiting view still works there: only playing needs WebCodecs
            assertThat(driver.findElement(By.id("code")).getText()).isEqualTo("PL-7Q4M-XK2C");
        }
    }

    private static InetAddress nonLoopbackIpv4() throws Exception {
        for (NetworkInterface nif : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) ((JavascriptExecutor) driver).executeScript("return Object.assign({}, window.peerlinkPlayer)");
    }

    private static long naturalWidth(WebElement img) {
        return ((Number) ((JavascriptExecutor) driver).executeScript("return arguments[0].naturalWidth", img)).longValue();
    }

    /** A 64×64 black-and-white checkerboard PNG: stands in for the pairing QR, which another class renders. */
    private static byte[] checkerPng() {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, ((x / 8 + y / 8) % 2 == 0) ? 0xFFFFFF : 0);
            }
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
