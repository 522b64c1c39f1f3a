package dev.peerlink.cast.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven by Selenium through Debian's chromedriver (no Selenium Manager download), and
 * what the receiver page's tests read from it: the player's counters, image sizes, and the SMPTE bars' colours in a
 * screenshot of the video canvas.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final String CHROMIUM = "/usr/bin/chromium";
    public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    /** ffmpeg's smptebars top row, left to right, at 75%: grey, yellow, cyan, green, magenta, red, blue. */
    private static final int[][] BARS = {
        {191, 191, 191}, {191, 191, 0}, {0, 191, 191}, {0, 191, 0}, {191, 0, 191}, {191, 0, 0}, {0, 0, 191}};
    /** Per channel: covers limited-range rounding, BT.601 vs BT.709 matrices and x264's chroma loss at bar edges. */
    private static final int TOLERANCE = 40;

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private HeadlessChromium() {
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions");
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(5));
    }

    /** What is missing to run a browser test (with the package to install), or null. */
    public static String missing() {
        if (!new File(CHROMIUM).canExecute()) {
            return CHROMIUM + " (apt-get install chromium)";
        }
        if (!new File(CHROMEDRIVER).canExecute()) {
            return CHROMEDRIVER + " (apt-get install chromium-driver)";
        }
        return null;
    }

    public static HeadlessChromium start() {
        return new HeadlessChromium();
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** The page player's counters ({@code window.peerlinkPlayer}: decoded, dropped, fps, lagMs, codec...). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> stats() {
        return (Map<String, Object>) ((JavascriptExecutor) driver).executeScript("return Object.assign({}, window.peerlinkPlayer)");
    }

    public long naturalWidth(WebElement img) {
        return ((Number) ((JavascriptExecutor) driver).executeScript("return arguments[0].naturalWidth", img)).longValue();
    }

    /**
     * Screenshots the page (kept as {@code target/NAME.png}) and checks the canvas {@code #video} shows the seven bars
     * a quarter of the way down; returns the colours it sampled.
     */
    public String assertBars(String name) throws IOException {
        Rectangle r = driver.findElement(By.id("video")).getRect();
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(driver.getScreenshotAs(OutputType.BYTES)));
        Path saved = Path.of("target", name + ".png");
        Files.createDirectories(saved.getParent());
        ImageIO.write(shot, "png", saved.toFile());
        int y = r.getY() + r.getHeight() / 4;
        StringBuilder sampled = new StringBuilder();
        for (int i = 0; i < BARS.length; i++) {
            int x = r.getX() + (int) (r.getWidth() * (i + 0.5) / BARS.length);
            Color c = new Color(shot.getRGB(x, y));
            int[] got = {c.getRed(), c.getGreen(), c.getBlue()};
            sampled.append(' ').append(Arrays.toString(got));
            for (int ch = 0; ch < 3; ch++) {
                assertThat(Math.abs(got[ch] - BARS[i][ch])).as("bar %d channel %d at (%d,%d): %s vs %s in %s", i, ch, x, y,
                        Arrays.toString(got), Arrays.toString(BARS[i]), saved.toAbsolutePath()).isLessThanOrEqualTo(TOLERANCE);
            }
        }
        return sampled.toString();
    }

    /** A 64×64 black-and-white checkerboard PNG: stands in for the pairing QR, which the CLI module renders. */
    public static byte[] checkerPng() {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        service.stop();
    }
}
