package dev.peerlink.server.admin;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium, headless, through Debian's chromedriver named explicitly (Selenium Manager would try to download
 * a driver), with the page's console collected so a test can insist there are no errors.
 */
final class DashboardBrowser implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private DashboardBrowser() {
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1250",
                "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(5));
    }

    /** What is missing to run a browser test (with the package to install), or null. */
    static String missing() {
        if (!new File(CHROMIUM).canExecute()) {
            return CHROMIUM + " (apt-get install chromium)";
        }
        if (!new File(CHROMEDRIVER).canExecute()) {
            return CHROMEDRIVER + " (apt-get install chromium-driver)";
        }
        return null;
    }

    static DashboardBrowser start() {
        return new DashboardBrowser();
    }

    ChromeDriver driver() {
        return driver;
    }

    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** The console entries since the last call. */
    List<LogEntry> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /** Saves a screenshot of the page as {@code path} (a PNG). */
    Path screenshot(Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.write(path, driver.getScreenshotAs(OutputType.BYTES));
        return path;
    }

    @Override
    public void close() {
        driver.quit();
        service.stop();
    }
}
