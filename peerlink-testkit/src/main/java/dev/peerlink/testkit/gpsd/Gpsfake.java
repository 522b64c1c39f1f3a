package dev.peerlink.testkit.gpsd;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real gpsd fed by gpsfake replaying an NMEA log, on a free loopback port: the GNSS source of the positioning tests.
 * {@link #DRIVE_NORTH} is shipped here: a drive north at ~11 m/s from 31.2304 N 121.4737 E, one GGA+RMC pair per
 * second of log time, 30 pairs. Close it to stop gpsfake and its gpsd (only those).
 */
public final class Gpsfake implements AutoCloseable {
    public static final String DRIVE_NORTH = "/gpsd/drive-north.nmea";
    private static final Path GPSFAKE = Path.of("/usr/bin/gpsfake");
    private static final Path GPSD = Path.of("/usr/sbin/gpsd");

    private final Process process;
    private final InetSocketAddress address;
    private final Path log;

    private Gpsfake(Process process, InetSocketAddress address, Path log) {
        this.process = process;
        this.address = address;
        this.log = log;
    }

    /** Empty when gpsfake and gpsd are installed, else why not (for a printed skip). */
    public static Optional<String> unavailable() {
        if (Files.isExecutable(GPSFAKE) && Files.isExecutable(GPSD)) {
            return Optional.empty();
        }
        return Optional.of("gpsfake or gpsd not installed (" + GPSFAKE + ", " + GPSD + "; Debian gpsd, gpsd-clients)");
    }

    /** Copies a shipped log (e.g. {@link #DRIVE_NORTH}) into {@code dir}. */
    public static Path shippedLog(String resource, Path dir) throws IOException {
        Path out = dir.resolve(Path.of(resource).getFileName().toString());
        try (InputStream in = Gpsfake.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no resource " + resource);
            }
            Files.copy(in, out);
        }
        return out;
    }

    /**
     * Starts gpsfake on {@code nmea}: played once, {@code secondsPerSentence} apart (so the first fixes come after a
     * client connects), exiting on its own 5 s after the log ends should nobody stop it.
     */
    public static Gpsfake start(Path nmea, Path dir, double secondsPerSentence) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(GPSFAKE.toString(), "-q", "-1", "-P", Integer.toString(port), "-c",
                Double.toString(secondsPerSentence), "-W", "5", nmea.toString());
        pb.environment().merge("PATH", GPSD.getParent().toString(), (old, add) -> old + ":" + add); // gpsfake looks gpsd up there
        pb.environment().put("TMPDIR", dir.toString()); // gpsfake's control socket, left behind when it is killed
        Path log = dir.resolve("gpsfake.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new Gpsfake(pb.start(), new InetSocketAddress(InetAddress.getLoopbackAddress(), port), log);
    }

    public InetSocketAddress address() {
        return address;
    }

    /** {@code 127.0.0.1:PORT}, as the CLI's {@code --gpsd} takes it. */
    public String hostPort() {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** True once gpsd accepts connections (poll it; gpsfake starts gpsd asynchronously). */
    public boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(address, 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        // gpsd is gpsfake's child: collect it before the parent dies and it is re-parented
        List<ProcessHandle> started = new ArrayList<>(process.descendants().toList());
        started.add(process.toHandle());
        started.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : started) {
            try {
                p.onExit().get(3, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }
}
