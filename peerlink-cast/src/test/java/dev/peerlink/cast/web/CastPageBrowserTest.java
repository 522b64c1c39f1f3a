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
    private static HeadlessChromium browser;
    private static ChromeDriver driver;

    private final SimpleTagFeed feed = new SimpleTagFeed();
    private final CastStatus status = new CastStatus();
    private CastWebServer server;
    private TestEncoder encoder;

    @BeforeAll
    static void browser() {
        String missing = HeadlessChromium.missing();
        if (missing != null) {
            System.out.println("skipping the browser tests: needs " + missing);
        }
        Assumptions.assumeTrue(missing == null, "needs " + missing);
        browser = HeadlessChromium.start();
        driver = browser.driver();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
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
        byte[] png = HeadlessChromium.checkerPng();
        status.pairing("PL-7Q4M-XK2C");
        status.qrPng(() -> png);
        driver.get(server.url());

        WebElement qr = driver.findElement(By.id("qr"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> qr.isDisplayed() && browser.naturalWidth(qr) > 0);
        assertThat(browser.naturalWidth(qr)).isEqualTo(64);
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
        status.qrPng(HeadlessChromium::checkerPng);
        driver.get(server.url());
        await().atMost(10, TimeUnit.SECONDS).until(() -> driver.findElement(By.id("qr")).isDisplayed());

        encoder = TestEncoder.start(feed, status);
        status.live("direct");
        status.video(640, 360, 25.0);

        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> ((Number) browser.stats().get("decoded")).longValue() > 50);
        Map<String, Object> stats = browser.stats();
        assertThat(stats.get("error")).isNull();
        assertThat(stats.get("codec")).asString().startsWith("avc1.");
        assertThat(stats).containsEntry("width", 640L).containsEntry("height", 360L);
        assertThat(driver.findElement(By.id("qr")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("path")).getText()).isEqualTo("path: direct");

        WebElement canvas = driver.findElement(By.id("video"));
        Rectangle r = canvas.getRect();
        assertThat(r.getWidth()).isEqualTo(640);
        String sampled = browser.assertBars("cast-web-live");
        // let the counters tick once more, then report what the page measured
        await().atMost(3, TimeUnit.SECONDS).until(() -> ((Number) browser.stats().get("fps")).doubleValue() > 0);
        stats = browser.stats();
        System.out.printf("browser: %s decoded=%s dropped=%s fps=%s lagMs=%s decodeMs=%s%n", stats.get("codec"),
                stats.get("decoded"), stats.get("dropped"), stats.get("fps"), stats.get("lagMs"), stats.get("decodeMs"));
        System.out.println("bars sampled:" + sampled + "; screenshot: target/cast-web-live.png");

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
}
