package dev.peerlink.cli;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.pairing.PairingCode;
import dev.peerlink.peer.pairing.PairingCodeException;
import dev.peerlink.peer.pairing.PairingDialer;
import dev.peerlink.peer.pairing.PairingException;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SessionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code connect --pairing CODE|FILE.png}: the body, for the {@code connect} command to call. Reads the code (or the QR
 * code in the image), dials it ({@link PairingDialer}: pins the key in the code, presents the one-time token), prints
 * {@code {"event":"connected","path":"pairing","setupMs":N}} on {@code err}, then pipes {@code in}/{@code out} through
 * one stream ({@link NetcatPipe}) and ends with {@code {"event":"closed","sentBytes":N,"receivedBytes":N,"transferMs":N}}. Every failure is one line on {@code err} and exit code 1; nothing waits longer than
 * {@link #DIAL_TIMEOUT} to connect.
 */
public final class PairingConnect {
    public static final Duration DIAL_TIMEOUT = Duration.ofSeconds(20);

    private PairingConnect() {
    }

    public static int run(String codeOrFile, DeviceIdentity self, InputStream in, OutputStream out, PrintStream err) {
        return run(codeOrFile, self, in, out, err, SessionConfig.defaults(), DIAL_TIMEOUT);
    }

    static int run(String codeOrFile, DeviceIdentity self, InputStream in, OutputStream out, PrintStream err,
                   SessionConfig config, Duration timeout) {
        long t0 = System.nanoTime();
        String text;
        try {
            text = readCode(codeOrFile);
        } catch (IOException e) {
            err.println("connect: " + e.getMessage());
            return 1;
        }
        PairingCode code;
        try {
            code = PairingCode.parse(text);
        } catch (PairingCodeException e) {
            err.println("connect: bad pairing code (" + e.reason().name().toLowerCase(Locale.ROOT) + "): " + e.getMessage());
            return 1;
        }
        dev.peerlink.secure.DeviceIdentity secure =
                dev.peerlink.secure.DeviceIdentity.of(new KeyPair(self.publicKey(), self.privateKey()));
        SecureSession session;
        try {
            session = PairingDialer.dial(code, secure, self.deviceId(), config, timeout);
        } catch (PairingException e) {
            err.println("connect: pairing with " + code.deviceId() + " failed (" + e.reason().name().toLowerCase(Locale.ROOT)
                    + "): " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("connect: interrupted");
            return 1;
        }
        NetcatPipe.Counts counts = new NetcatPipe.Counts();
        try (session) {
            err.println("{\"event\":\"connected\",\"path\":\"pairing\",\"setupMs\":"
                    + (System.nanoTime() - t0) / 1_000_000 + "}");
            err.flush();
            NetcatPipe.run(session.openStream(), in, out, counts);
        } catch (IOException e) {
            err.println(counts.closedEvent());
            err.println("connect: connection to " + code.deviceId() + " lost: " + e.getMessage());
            return 1;
        }
        err.println(counts.closedEvent());
        err.flush();
        return 0;
    }

    /** The code itself, or the text of the QR code in the named image file. */
    static String readCode(String codeOrFile) throws IOException {
        String s = codeOrFile.trim();
        Path p = null;
        try {
            p = Path.of(s);
        } catch (InvalidPathException ignored) {
            // not a path: a code
        }
        if (p != null && Files.isRegularFile(p)) {
            return PairingQr.decode(p);
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".gif")) {
            throw new IOException("no such image file: " + s);
        }
        return s;
    }
}
