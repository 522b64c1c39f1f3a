package dev.peerlink.cast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.cast.media.CastSource;
import dev.peerlink.cast.media.EncoderSettings;
import dev.peerlink.cast.media.Ffmpeg;
import dev.peerlink.cast.media.MissingToolException;
import dev.peerlink.cast.web.CastStatus;
import dev.peerlink.cast.web.CastWebServer;
import dev.peerlink.cast.web.HeadlessChromium;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.protocol.DeviceId;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
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
 * The whole receiver in a real browser: a {@link CastReceiver} with {@link LiveReceiverMedia} feeding a
 * {@link CastWebServer} (wired as {@code cast receive} wires them), a {@link CastSender} encoding SMPTE bars with
 * ffmpeg and casting over the pairing code, and headless Chromium on the receiver's page: first the QR, then the live
 * picture with the bars' colours, then the QR again when the sender stops. Everything on loopback.
 */
class CastEndToEndBrowserTest {
    /** Long enough for the page to go live and be checked while the sender still sends. */
    private static final int SECONDS = 10;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<CastEvent> events = new CopyOnWriteArrayList<>();
    private HeadlessChromium browser;
    private ChromeDriver driver;

    @AfterEach
    void closeAll() throws Exception {
        if (browser != null) {
            browser.close();
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void thePageShowsTheQrThenTheSendersBarsThenTheQrAgain() throws Exception {
        Ffmpeg ffmpeg = tools();

        // the receiver, as CastReceiveCommand wires it (without the terminal and PNG output)
        InetAddress lo = InetAddress.getLoopbackAddress();
        CastStatus status = new CastStatus();
        LiveReceiverMedia media = keep(new LiveReceiverMedia(new InetSocketAddress(lo, 0), status));
        CastWebServer page = keep(CastWebServer.start(new InetSocketAddress(lo, 0), media, status));
        byte[] qr = HeadlessChromium.checkerPng(); // stands in for the pairing QR, which the CLI renders
        status.qrPng(() -> qr);
        CastReceiver rx = keep(CastReceiver.builder(DeviceIdentity.ephemeral(DeviceId.of("pc"))).media(media)
                .bind(new InetSocketAddress(lo, 0)).onEvent(e -> {
                    events.add(e);
                    switch (e.event()) {
                        case "waiting" -> {
                            status.pairing(e.detail());
                            status.waiting();
                        }
                        case "casting" -> status.live(e.path());
                        default -> { }
                    }
                }).start());

        browser = HeadlessChromium.start();
        driver = browser.driver();
        driver.get(page.url());
        WebElement qrImage = driver.findElement(By.id("qr"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> qrImage.isDisplayed() && browser.naturalWidth(qrImage) > 0);
        assertThat(driver.findElement(By.id("code")).getText()).isEqualTo(rx.code().toText());
        assertThat(driver.findElement(By.id("live")).isDisplayed()).isFalse();

        // the phone: SMPTE bars, 640x360, 25 fps, a few seconds, cast with the pairing code
        EncoderSettings settings = EncoderSettings.defaults().withSize(640, 360).withFps(25).withGop(25)
                .withDurationMillis(SECONDS * 1000L);
        LiveSenderMedia tx = keep(new LiveSenderMedia(ffmpeg, new CastSource.TestPattern(CastSource.Pattern.BARS), settings,
                false, kbps -> { }));
        long t0 = System.nanoTime();
        CastSender.Session cast = CastSender.builder(DeviceIdentity.ephemeral(DeviceId.of("phone"))).code(rx.code())
                .media(tx).directTimeout(Duration.ofSeconds(10)).build().connect();
        assertThat(cast.link().path()).isEqualTo("direct");

        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                .until(() -> browser.stats().get("decoded") instanceof Number n && n.longValue() > 0);
        long firstPictureMs = (System.nanoTime() - t0) / 1_000_000;
        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> ((Number) browser.stats().get("decoded")).longValue() > 50);
        Map<String, Object> stats = browser.stats();
        assertThat(stats.get("error")).isNull();
        assertThat(stats).containsEntry("width", 640L).containsEntry("height", 360L);
        assertThat(qrImage.isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("path")).getText()).isEqualTo("path: direct");
        assertThat(cast.done()).as("still casting while the screenshot is taken").isNotDone();
        String sampled = browser.assertBars("cast-e2e-live");
        System.out.printf("end to end: first picture in the browser %d ms after connect; %s decoded=%s dropped=%s; bars:%s%n",
                firstPictureMs, stats.get("codec"), stats.get("decoded"), stats.get("dropped"), sampled);

        // the source ends: the cast ends, a fresh code is shown and the page is back to the QR without a reload
        cast.done().get(SECONDS + 20, TimeUnit.SECONDS);
        await().atMost(10, TimeUnit.SECONDS).until(() -> events.stream().filter(e -> e.event().equals("waiting")).count() == 2);
        await().atMost(10, TimeUnit.SECONDS).until(() -> qrImage.isDisplayed()
                && !driver.findElement(By.id("live")).isDisplayed()
                && driver.findElement(By.id("code")).getText().equals(rx.code().toText()));
    }

    /** ffmpeg, chromium and chromedriver, or the test is skipped saying which is missing. */
    private static Ffmpeg tools() {
        Ffmpeg ffmpeg = null;
        String missing = null;
        try {
            ffmpeg = Ffmpeg.locate();
        } catch (MissingToolException e) {
            missing = "ffmpeg with libx264: " + e.getMessage();
        }
        if (missing == null) {
            missing = HeadlessChromium.missing();
        }
        if (missing != null) {
            System.out.println("skipping the end-to-end browser test: needs " + missing);
        }
        Assumptions.assumeTrue(missing == null, "needs " + missing);
        return ffmpeg;
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }
}
