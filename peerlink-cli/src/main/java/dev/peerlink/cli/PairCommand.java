package dev.peerlink.cli;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.pairing.PairingCode;
import dev.peerlink.peer.pairing.PairingException;
import dev.peerlink.peer.pairing.PairingListener;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.secure.SecureStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "pair", mixinStandardHelpOptions = true,
        description = {"Shows a one-time pairing code and QR code (on stderr, and as a PNG) carrying this device's",
                "addresses, port and identity key, then waits for one device to connect with it",
                "('peerlink connect --pairing CODE|FILE.png') and serves that connection: received bytes to",
                "stdout and stdin to the peer (netcat -N style), or everything echoed back with --echo."})
final class PairCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "This device's id ([A-Za-z0-9._-], 1-64).")
    String id;

    @Option(names = "--home", paramLabel = "DIR", description = "Key directory (default: ~/.peerlink/<id>).")
    Path home;

    @Option(names = "--listen", paramLabel = "IP:PORT", defaultValue = "0.0.0.0:0",
            description = "TCP address to listen on (default: ${DEFAULT-VALUE}: every interface, any port; the code "
                    + "lists the LAN addresses).")
    String listen;

    @Option(names = "--png", paramLabel = "FILE", description = "Where to write the QR code as PNG (default: <home>/pairing.png).")
    Path png;

    @Option(names = "--echo", description = "Echo everything the peer sends back to it instead of using stdin/stdout.")
    boolean echo;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long the code is valid: 90s, 10m, 1h (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Override
    public Integer call() throws Exception {
        if (!DeviceId.isValid(id)) {
            throw new ParameterException(spec.commandLine(), "--id must be 1-64 characters of [A-Za-z0-9._-]");
        }
        InetSocketAddress bind;
        try {
            bind = new SocketAddressConverter(0).convert(listen);
        } catch (TypeConversionException e) {
            throw new ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
        }
        DeviceId deviceId = DeviceId.of(id);
        Path dir = home != null ? home : DeviceIdentity.defaultHome(deviceId);
        DeviceIdentity device = DeviceIdentity.loadOrCreate(deviceId, dir);
        PrintStream err = System.err;
        try (PairingListener listener = PairingListener.builder(device).bind(bind).ttl(ttl).start()) {
            listener.onRefused(e -> err.println("pair: " + e.getMessage()));
            PairingCode code = listener.code();
            String text = code.toText();
            Path pngFile = png != null ? png : dir.resolve("pairing.png");
            PairingQr.writePng(text, pngFile);
            boolean ansi = PairingQr.ansiTerminal();
            String until = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault())
                    .format(code.expiry());
            err.println("pairing code for " + deviceId + " (key " + code.identity().fingerprint() + "), one use, valid until "
                    + until + ":");
            err.println(text);
            err.print(PairingQr.toTerminal(text, ansi));
            if (!ansi) {
                err.println("(QR drawn for a dark terminal: blocks are the light modules; on a light background use the PNG)");
            }
            err.println("QR code written to " + pngFile.toAbsolutePath());
            err.println("listening on " + listener.localAddress() + ", reachable at "
                    + code.candidates().stream().map(PairCommand::hostPort).collect(Collectors.joining(" ")));
            err.println("on the other device: peerlink connect --pairing <code or PNG file>");
            err.flush();
            PairingListener.Paired paired;
            try {
                paired = listener.accept();
            } catch (PairingException e) {
                err.println("pair: " + e.getMessage());
                return 1;
            }
            listener.close(); // one connection per code
            try (var session = paired.session()) {
                err.println("{\"event\":\"paired\",\"peer\":\"" + paired.peer().fingerprint() + "\",\"device\":"
                        + paired.deviceId().map(d -> "\"" + d.value() + "\"").orElse("null") + ",\"remote\":\""
                        + hostPort(paired.remote()) + "\"}");
                err.flush();
                SecureStream stream = session.acceptStream();
                if (stream == null) {
                    err.println("pair: the other device closed the connection without opening a stream");
                    return 1;
                }
                if (echo) {
                    CountDownLatch peerClosed = new CountDownLatch(1);
                    session.addListener((s, reason, cause) -> peerClosed.countDown());
                    stream.input().transferTo(stream.output());
                    stream.output().close();
                    // let the peer read the echo and close first
                    peerClosed.await(session.isOpen() ? 10 : 0, TimeUnit.SECONDS);
                } else {
                    NetcatPipe.run(stream, System.in, System.out);
                }
            } catch (java.io.IOException e) {
                err.println("pair: connection lost: " + e.getMessage());
                return 1;
            }
            return 0;
        }
    }

    static String hostPort(InetSocketAddress a) {
        String h = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    /** {@code 90s}, {@code 10m}, {@code 1h}, a bare number of seconds, or ISO-8601 ({@code PT10M}). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String s = v.trim().toLowerCase(Locale.ROOT);
            try {
                Duration d;
                if (s.startsWith("pt")) {
                    d = Duration.parse(s.toUpperCase(Locale.ROOT));
                } else if (s.endsWith("ms")) {
                    d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
                } else if (s.endsWith("s")) {
                    d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
                } else if (s.endsWith("m")) {
                    d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
                } else if (s.endsWith("h")) {
                    d = Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
                } else {
                    d = Duration.ofSeconds(Long.parseLong(s));
                }
                if (d.isNegative() || d.isZero()) {
                    throw new TypeConversionException("duration must be positive: " + v);
                }
                return d;
            } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
                throw new TypeConversionException("not a duration (90s, 10m, 1h): " + v);
            }
        }
    }
}
