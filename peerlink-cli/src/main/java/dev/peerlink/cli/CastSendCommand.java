package dev.peerlink.cli;

import dev.peerlink.cast.CastException;
import dev.peerlink.cast.CastSender;
import dev.peerlink.cast.LiveSenderMedia;
import dev.peerlink.cast.media.CastSource;
import dev.peerlink.cast.media.EncoderSettings;
import dev.peerlink.cast.media.Ffmpeg;
import dev.peerlink.cast.media.MissingToolException;
import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.Peer;
import dev.peerlink.peer.pairing.PairingCode;
import dev.peerlink.peer.pairing.PairingCodeException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"The phone of seed 000: reads the PC's pairing code (text or QR image), encodes the source with",
                "FFmpeg (H.264, low latency) and casts it: directly when the PC is reachable, else through the server with",
                "the PC dialling back. Prints one JSON event per line on stderr; ends when the source ends, --duration",
                "passes or the receiver stops."})
final class CastSendCommand implements Callable<Integer> {
    @Mixin
    DeviceOptions device;

    @Option(names = "--pairing", paramLabel = "CODE|FILE.png", description = "The receiver's code, or an image of its QR code.")
    String pairing;

    @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "TARGET",
            description = "Instead of --pairing: the receiver's device id, through --server; it must allow this device "
                    + "(cast receive --allow ID).")
    String target;

    @Option(names = "--source", paramLabel = "SRC", defaultValue = "screen",
            description = "screen[:DISPLAY], testsrc (colour bars), testsrc2 (moving), clock (latency pattern), a media file, "
                    + "or rtmp://127.0.0.1:PORT/APP/KEY (an ingest OBS or ffmpeg publishes into). Default: ${DEFAULT-VALUE}.")
    String source;

    @Option(names = "--size", paramLabel = "WxH", description = "Scale to this size (default: the source's; 1280x720 for patterns).")
    String size;

    @Option(names = "--fps", paramLabel = "N", defaultValue = "30", description = "Frames per second (default: ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--bitrate", paramLabel = "KBIT/S", defaultValue = "2500",
            description = "Video bitrate, the ceiling when adaptive (default: ${DEFAULT-VALUE}).")
    int bitrate;

    @Option(names = "--fixed-bitrate", description = "Do not lower the bitrate when the path is slow.")
    boolean fixedBitrate;

    @Option(names = "--duration", paramLabel = "S", description = "Stop after this many seconds.")
    Double duration;

    @Option(names = "--direct-timeout", paramLabel = "MS",
            description = "How long to try the PC's addresses: with --server 1500 before going through the server (a "
                    + "firewall that drops SYNs never answers), without 10000 (there is no other way).")
    Long directTimeoutMs;

    @Option(names = "--via-server", description = "Skip the direct dial and connect through the server at once (with --paths, "
            + "to pick a ladder path, e.g. relay, for measurements).")
    boolean viaServer;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        if (device.id == null || !device.id.matches("[A-Za-z0-9._-]{1,64}")) {
            err.println("cast send: --id ID is required (1-64 characters of [A-Za-z0-9._-])");
            return 2;
        }
        if ((pairing == null) == (target == null)) {
            err.println("cast send: give the receiver's --pairing CODE|FILE.png, or its device id TARGET (with --server)");
            return 2;
        }
        if (target != null && device.server == null) {
            err.println("cast send: casting to " + target + " without a code goes through the server: give --server HOST:PORT");
            return 2;
        }
        PairingCode code = null;
        if (pairing != null) {
            try {
                code = PairingCode.parse(PairingConnect.readCode(pairing), Instant.now());
            } catch (PairingCodeException e) {
                err.println("cast send: bad pairing code (" + e.reason().name().toLowerCase(Locale.ROOT) + "): " + e.getMessage());
                return 1;
            }
        }
        EncoderSettings settings = EncoderSettings.defaults().withFps(fps).withGop(fps).withBitrate(bitrate);
        if (size != null) {
            settings = settings.withSize(size);
        }
        if (duration != null) {
            settings = settings.withDurationMillis(Math.round(duration * 1000));
        }
        CastSource src = CastSource.parse(source);
        Ffmpeg ffmpeg;
        try {
            ffmpeg = Ffmpeg.locate();
            ffmpeg.checkSource(src);
        } catch (MissingToolException e) {
            err.println("cast send: " + e.getMessage());
            return 1;
        }
        DeviceIdentity identity = device.identity();
        Peer[] peer = new Peer[1];
        try (LiveSenderMedia media = new LiveSenderMedia(ffmpeg, src, settings, !fixedBitrate,
                kbps -> report(err, DeviceOptions.json("event", "bitrate", "kbps", String.valueOf(kbps))))) {
            CastSender.Builder builder = CastSender.builder(identity).media(media)
                    .directTimeout(java.time.Duration.ofMillis(directTimeoutMs != null ? directTimeoutMs : device.server != null ? 1500 : 10_000)).viaServer(viaServer)
                    .peer(device.server == null ? null : () -> startPeer(peer, err));
            CastSender sender = (code != null ? builder.code(code) : builder.target(target)).build();
            CastSender.Session s;
            try {
                s = sender.connect();
            } catch (CastException | IllegalStateException e) { // IllegalState: the server registration failed
                err.println("cast send: " + e.getMessage());
                return 1;
            }
            report(err, DeviceOptions.json("event", "casting", "path", s.link().path(), "to", code != null ? code.deviceId().value() : target,
                    "setupMs", String.valueOf(s.link().setupTime().toMillis())));
            try {
                s.done().get();
                report(err, DeviceOptions.json("event", "ended", "detail", "source ended"));
                return 0;
            } catch (ExecutionException e) {
                Throwable c = e.getCause() == null ? e : e.getCause();
                report(err, DeviceOptions.json("event", "ended", "detail", c.getMessage() != null ? c.getMessage() : c.toString()));
                return 1;
            }
        } finally {
            if (peer[0] != null) {
                peer[0].close();
            }
        }
    }

    /** Registers only when the direct dial failed: a LAN cast needs no server. */
    private Peer startPeer(Peer[] holder, PrintStream err) {
        try {
            Peer p = device.peer().build();
            holder[0] = p;
            p.start().get(30, TimeUnit.SECONDS);
            return p;
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot register with " + device.server + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void report(PrintStream err, String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }
}
