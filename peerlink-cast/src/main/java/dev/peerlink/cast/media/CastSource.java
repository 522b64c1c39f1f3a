package dev.peerlink.cast.media;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/** What the sender encodes: the CLI's {@code --source}. Turned into ffmpeg input options by {@link FfmpegCommand}. */
public sealed interface CastSource {

    /** An X11 display (x11grab), e.g. ":0" or "host:10.0"; on macOS/Windows the platform's screen grabber instead. */
    record Screen(String display) implements CastSource {
        public Screen {
            Objects.requireNonNull(display, "display");
        }
    }

    /** A generated pattern: {@link Pattern#BARS} (SMPTE colour bars, the default) or {@link Pattern#MOVING}. */
    record TestPattern(Pattern pattern) implements CastSource {
        public TestPattern {
            Objects.requireNonNull(pattern, "pattern");
        }
    }

    enum Pattern {
        /** lavfi {@code smptebars}: large solid colour bars, so a screenshot of the receiver can check colours. */
        BARS("smptebars"),
        /** lavfi {@code testsrc2}: moving content, a more realistic load for CPU and bitrate figures. */
        MOVING("testsrc2");

        final String filter;

        Pattern(String filter) {
            this.filter = filter;
        }
    }

    /** A media file, re-encoded in real time ({@code -re}); {@code loop} repeats it until the encoder is closed. */
    record MediaFile(Path file, boolean loop) implements CastSource {
        public MediaFile {
            Objects.requireNonNull(file, "file");
        }
    }

    /** ffmpeg listens for one RTMP publisher (OBS, another ffmpeg) at {@code url} and re-encodes what it sends. */
    record RtmpIngest(URI url) implements CastSource {
        public RtmpIngest {
            Objects.requireNonNull(url, "url");
        }
    }

    /** Frames made in Java whose blocks encode the wall clock ({@link ClockPattern}), for the latency benchmark. */
    record Clock() implements CastSource {}

    /** {@link #parse(String, Map, boolean)} with this process's environment, loopback ingest only. */
    static CastSource parse(String spec) {
        return parse(spec, System.getenv(), false);
    }

    /**
     * Parses {@code screen[:DISPLAY]}, {@code testsrc}, {@code testsrc2}, {@code clock}, {@code rtmp://HOST:PORT/APP/KEY}
     * or a file path. The ingest must listen on loopback unless {@code allowRemoteIngest}: anyone who reaches it can put
     * a picture on the receiver's screen.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    static CastSource parse(String spec, Map<String, String> env, boolean allowRemoteIngest) {
        Objects.requireNonNull(spec, "spec");
        if (spec.equals("testsrc")) {
            return new TestPattern(Pattern.BARS);
        }
        if (spec.equals("testsrc2")) {
            return new TestPattern(Pattern.MOVING);
        }
        if (spec.equals("clock")) {
            return new Clock();
        }
        if (spec.equals("screen")) {
            String display = env.get("DISPLAY");
            if (display == null || display.isBlank()) {
                throw new IllegalArgumentException("--source screen needs an X display: set DISPLAY or use --source screen:DISPLAY (e.g. screen::0)");
            }
            return new Screen(display);
        }
        if (spec.startsWith("screen:")) {
            String display = spec.substring("screen:".length());
            if (display.isEmpty()) {
                throw new IllegalArgumentException("empty display in --source " + spec);
            }
            // "screen:1" means display :1; "screen::1" and "screen:host:10.0" are DISPLAY values as they are
            return new Screen(display.contains(":") ? display : ":" + display);
        }
        if (spec.startsWith("rtmp://")) {
            return ingest(spec, allowRemoteIngest);
        }
        if (spec.contains("://")) {
            throw new IllegalArgumentException("unsupported source URL " + spec + " (only rtmp:// ingest on loopback)");
        }
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--source " + spec + ": no such file (sources: screen[:DISPLAY], testsrc, testsrc2, clock, FILE, rtmp://127.0.0.1:PORT/APP/KEY)");
        }
        return new MediaFile(file, false);
    }

    private static RtmpIngest ingest(String spec, boolean allowRemote) {
        URI uri;
        try {
            uri = new URI(spec);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad ingest URL " + spec + ": " + e.getMessage());
        }
        String host = uri.getHost();
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (host == null || uri.getPort() < 1 || !path.matches("/[^/]+/[^/]+")) {
            throw new IllegalArgumentException("ingest URL must be rtmp://127.0.0.1:PORT/APP/KEY, got " + spec);
        }
        if (!allowRemote && !isLoopback(host)) {
            throw new IllegalArgumentException("ingest " + spec + " would listen on " + host + ", not loopback: anyone reaching it could publish onto the"
                    + " receiver's screen (allow it explicitly to do so)");
        }
        return new RtmpIngest(uri);
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name other than localhost: resolving it here would be a guess at what ffmpeg binds
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
