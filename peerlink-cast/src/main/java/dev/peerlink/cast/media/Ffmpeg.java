package dev.peerlink.cast.media;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Locates the system ffmpeg and checks it can do the job: it runs, and it has the libx264 encoder. Looked up in the
 * {@code PEERLINK_FFMPEG} environment variable, then the {@code peerlink.ffmpeg} system property, then {@code ffmpeg}
 * on the PATH.
 */
public final class Ffmpeg {
    public static final String ENV = "PEERLINK_FFMPEG";
    public static final String PROPERTY = "peerlink.ffmpeg";
    private static final long PROBE_TIMEOUT_SECONDS = 15;

    private final Path executable;
    private final String version;

    private Ffmpeg(Path executable, String version) {
        this.executable = executable;
        this.version = version;
    }

    /** From this process's environment and system properties. */
    public static Ffmpeg locate() throws MissingToolException {
        return locate(System.getenv(), System.getProperties());
    }

    public static Ffmpeg locate(Map<String, String> env, Properties props) throws MissingToolException {
        Path exe = find(env, props);
        String versionOutput = run(exe, "-version");
        String firstLine = versionOutput.lines().findFirst().orElse("");
        if (!firstLine.startsWith("ffmpeg version")) {
            throw new MissingToolException(exe + " does not look like ffmpeg (`-version` printed \"" + firstLine + "\"); " + MissingToolException.HOW_TO_INSTALL);
        }
        boolean x264 = run(exe, "-encoders").lines().anyMatch(l -> l.trim().matches("V\\S*\\s+libx264\\s.*"));
        if (!x264) {
            throw new MissingToolException("ffmpeg at " + exe + " has no libx264 H.264 encoder (built without --enable-libx264); "
                    + MissingToolException.HOW_TO_INSTALL.replace("install it", "install a full build"));
        }
        return new Ffmpeg(exe, firstLine.substring("ffmpeg version ".length()).split(" ")[0]);
    }

    /**
     * Checks this ffmpeg can read {@code source}: screen capture needs the x11grab device (absent from macOS and Windows
     * builds, and from Linux builds without XCB), the test patterns need lavfi.
     */
    public void checkSource(CastSource source) throws MissingToolException {
        String device = switch (source) {
            case CastSource.Screen s -> "x11grab";
            case CastSource.TestPattern p -> "lavfi";
            default -> null;
        };
        if (device == null) {
            return;
        }
        boolean present = run(executable, "-devices").lines().anyMatch(l -> l.trim().matches("D\\S*\\s+" + device + "(\\s.*)?"));
        if (!present) {
            throw new MissingToolException("ffmpeg at " + executable + " has no " + device + " input" + (device.equals("x11grab")
                    ? " (X11 screen capture; on macOS or Windows publish the screen with OBS into --source rtmp://127.0.0.1:PORT/APP/KEY)"
                    : "") + "; " + MissingToolException.HOW_TO_INSTALL.replace("install it", "install a full build"));
        }
    }

    /** The executable; what {@link FfmpegCommand} puts first on the command line. */
    public Path executable() {
        return executable;
    }

    /** E.g. "5.1.6-0+deb12u1". */
    public String version() {
        return version;
    }

    private static Path find(Map<String, String> env, Properties props) throws MissingToolException {
        String configured = env.get(ENV);
        String origin = ENV;
        if (configured == null || configured.isBlank()) {
            configured = props.getProperty(PROPERTY);
            origin = "-D" + PROPERTY;
        }
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new MissingToolException("ffmpeg not found at " + p + " (set by " + origin + "); fix the path or " + MissingToolException.HOW_TO_INSTALL);
            }
            return p;
        }
        String path = env.getOrDefault("PATH", "");
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path p = Path.of(dir, windows ? "ffmpeg.exe" : "ffmpeg");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        throw new MissingToolException("ffmpeg not found on the PATH; " + MissingToolException.HOW_TO_INSTALL);
    }

    private static String run(Path exe, String option) throws MissingToolException {
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-hide_banner", option));
        if (option.equals("-version")) {
            cmd.remove("-hide_banner"); // -version's first line is the banner itself
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new MissingToolException(exe + " " + option + " did not finish in " + PROBE_TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new MissingToolException(exe + " " + option + " failed with exit code " + p.exitValue() + "; " + MissingToolException.HOW_TO_INSTALL);
            }
            return out;
        } catch (IOException e) {
            throw new MissingToolException("cannot run " + exe + " (" + e.getMessage() + "); " + MissingToolException.HOW_TO_INSTALL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MissingToolException("interrupted while checking " + exe);
        }
    }
}
