package dev.peerlink.share.gpsd;

import dev.peerlink.share.Location;
import dev.peerlink.share.gpsd.internal.BoundedLineReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watcher of a gpsd daemon over TCP: after the VERSION banner it asks for JSON reports with
 * {@code ?WATCH} and turns each TPV fix into a {@link Location} (source GNSS) on a daemon reader
 * thread. Lines gpsd should never send (malformed, oversized, out of range) are counted and skipped.
 * There is no reconnect: once the connection ends, {@link #awaitFix} fails with an IOException.
 */
public final class GpsdClient implements AutoCloseable {
    public static final InetSocketAddress DEFAULT_ADDRESS = new InetSocketAddress("127.0.0.1", 2947);
    static final String WATCH = "?WATCH={\"enable\":true,\"json\":true};\n";
    private static final Logger LOG = LoggerFactory.getLogger(GpsdClient.class);
    /** Warn for the first few bad lines, then only count them: a broken daemon must not flood the log. */
    private static final int WARNINGS_LOGGED = 5;

    private final Socket socket;
    private final BoundedLineReader lines;
    private final String release;
    private final List<Consumer<Location>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong skipped = new AtomicLong();
    private final Object lock = new Object();
    private Location latest; // guarded by lock
    private IOException ended; // guarded by lock; set once the connection is gone

    private GpsdClient(Socket socket, BoundedLineReader lines, String release) {
        this.socket = socket;
        this.lines = lines;
        this.release = release;
    }

    /** Connects to gpsd at {@link #DEFAULT_ADDRESS}. */
    public static GpsdClient connect(Duration timeout) throws IOException {
        return connect(DEFAULT_ADDRESS, timeout);
    }

    /**
     * Connects, checks the VERSION banner and starts watching.
     *
     * @param timeout bounds the TCP connect and the wait for the banner each
     * @throws GpsdProtocolException when the peer does not greet like gpsd
     */
    public static GpsdClient connect(InetSocketAddress gpsd, Duration timeout) throws IOException {
        int millis = (int) Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE);
        Socket socket = new Socket();
        try {
            socket.connect(gpsd, millis);
            socket.setSoTimeout(millis);
            BoundedLineReader lines = new BoundedLineReader(new BufferedInputStream(socket.getInputStream()),
                    GpsdMessages.MAX_LINE_CHARS);
            String banner;
            try {
                banner = lines.readLine();
            } catch (SocketTimeoutException e) {
                throw new IOException("no banner from " + gpsd + " within " + timeout + "; is it gpsd?", e);
            }
            if (banner == null) {
                throw new IOException(gpsd + " closed the connection before its banner");
            }
            String release = GpsdMessages.requireVersion(banner);
            OutputStream out = socket.getOutputStream();
            out.write(WATCH.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(0); // fixes may be minutes apart; close() unblocks the reader
            GpsdClient client = new GpsdClient(socket, lines, release);
            Thread reader = new Thread(client::readLoop, "gpsd-reader-" + gpsd.getHostString() + ":" + gpsd.getPort());
            reader.setDaemon(true);
            reader.start();
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** gpsd's release from its banner, e.g. "3.22". */
    public String release() {
        return release;
    }

    /** The most recent fix, if any arrived. */
    public Optional<Location> latest() {
        synchronized (lock) {
            return Optional.ofNullable(latest);
        }
    }

    /**
     * The latest fix, waiting up to {@code timeout} for the first one.
     *
     * @throws IOException when the connection has ended (closed, lost) — promptly, without waiting out the timeout
     * @throws TimeoutException when no fix came in time
     */
    public Location awaitFix(Duration timeout) throws IOException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                if (ended != null) {
                    throw new IOException("gpsd connection ended: " + ended.getMessage(), ended);
                }
                if (latest != null) {
                    return latest;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no fix from gpsd within " + timeout);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for a fix");
                }
            }
        }
    }

    /** Calls {@code listener} on the reader thread for every later fix; it must not block. */
    public void onFix(Consumer<Location> listener) {
        listeners.add(listener);
    }

    /** Lines skipped as malformed, oversized or out of range since connect. */
    public long skippedLines() {
        return skipped.get();
    }

    /** True until the connection ends. */
    public boolean isConnected() {
        synchronized (lock) {
            return ended == null;
        }
    }

    @Override
    public void close() {
        end(new IOException("client closed"));
        try {
            socket.close(); // unblocks the reader
        } catch (IOException e) {
            LOG.debug("closing gpsd socket", e);
        }
    }

    private void readLoop() {
        try {
            String line;
            while ((line = nextLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    GpsdMessages.parseLine(line).ifPresent(this::publish);
                } catch (GpsdProtocolException e) {
                    skip(e);
                }
            }
            end(new IOException("gpsd closed the connection"));
        } catch (IOException e) {
            end(e);
        } finally {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("closing gpsd socket", e);
            }
        }
    }

    /** The next line, skipping oversized ones; null at end of stream. */
    private String nextLine() throws IOException {
        while (true) {
            try {
                return lines.readLine();
            } catch (BoundedLineReader.LineTooLongException e) {
                skip(e);
            }
        }
    }

    private void skip(IOException why) {
        long n = skipped.incrementAndGet();
        if (n <= WARNINGS_LOGGED) {
            LOG.warn("skipping a gpsd line: {}", why.getMessage());
        } else {
            LOG.debug("skipping a gpsd line: {}", why.getMessage());
        }
    }

    private void publish(Location fix) {
        synchronized (lock) {
            if (ended != null) {
                return;
            }
            latest = fix;
            lock.notifyAll();
        }
        for (Consumer<Location> listener : listeners) {
            try {
                listener.accept(fix);
            } catch (RuntimeException e) {
                LOG.warn("gpsd fix listener failed", e);
            }
        }
    }

    private void end(IOException why) {
        synchronized (lock) {
            if (ended == null) {
                ended = why;
                lock.notifyAll();
            }
        }
    }
}
