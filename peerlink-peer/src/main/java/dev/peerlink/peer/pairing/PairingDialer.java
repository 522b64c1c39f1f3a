package dev.peerlink.peer.pairing;

import dev.peerlink.peer.pairing.PairingException.Reason;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.SecureHandshakeException;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.secure.TlsTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The scanning side of pairing: connects to the device a {@link PairingCode} names, pins its identity key, proves the
 * one-time token, and returns the session.
 *
 * <p>Candidates are tried Happy-Eyeballs style (RFC 8305): in the code's order, the next one 250 ms after the previous
 * started or at once when it failed; the first to finish TLS and have its token accepted wins, the others are closed.
 * Only one attempt at a time presents the token (a device reachable at two addresses would otherwise see it twice and
 * refuse the second as reused). A refusal of the token (wrong, used, expired) ends the dial at once: every address
 * leads to the same listener. A pin mismatch does not (another device may sit on a stale address).
 */
public final class PairingDialer {
    /** Stagger between attempts (RFC 8305 "Connection Attempt Delay"). */
    public static final Duration STAGGER = Duration.ofMillis(250);
    /** Tolerated clock difference: the dialer refuses a code only once it is this far past its expiry. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "peerlink-pairing-dial-watchdog");
        t.setDaemon(true);
        return t;
    });

    private PairingDialer() {
    }

    /** Dials without telling the listener a device id. */
    public static SecureSession dial(PairingCode code, DeviceIdentity self, SessionConfig config, Duration timeout)
            throws PairingException, InterruptedException {
        return dial(code, self, null, config, timeout);
    }

    /**
     * @param selfId told to the listener as a label (the key is what is authenticated); may be null
     * @throws PairingException with a {@link Reason}: EXPIRED, WRONG_TOKEN, TOKEN_USED, PIN_MISMATCH, UNREACHABLE,
     *     TIMEOUT, PROTOCOL
     */
    public static SecureSession dial(PairingCode code, DeviceIdentity self, DeviceId selfId, SessionConfig config,
                                     Duration timeout) throws PairingException, InterruptedException {
        if (code.expiredAt(Instant.now().minus(CLOCK_SKEW))) {
            throw new PairingException(Reason.EXPIRED, "the pairing code expired at " + code.expiry()
                    + "; ask for a new one");
        }
        return new Attempts(code, self, selfId, config, timeout).run();
    }

    private static final class Attempts {
        final PairingCode code;
        final DeviceIdentity self;
        final byte[] request;
        final SessionConfig config;
        final long deadline;
        final Duration timeout;
        final CompletableFuture<SecureSession> winner = new CompletableFuture<>();
        final ReentrantLock tokenLock = new ReentrantLock(true);
        final Map<Socket, Boolean> sockets = new ConcurrentHashMap<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final Semaphore failed = new Semaphore(0);
        final AtomicInteger pending;
        volatile PairingException pinFailure;

        Attempts(PairingCode code, DeviceIdentity self, DeviceId selfId, SessionConfig config, Duration timeout) {
            this.code = code;
            this.self = self;
            this.config = config;
            this.timeout = timeout;
            this.deadline = System.nanoTime() + timeout.toNanos();
            this.pending = new AtomicInteger(code.candidates().size());
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(PairingWire.VERSION);
            b.writeBytes(code.token());
            byte[] id = selfId == null ? new byte[0] : selfId.value().getBytes(StandardCharsets.US_ASCII);
            b.write(id.length);
            b.writeBytes(id);
            this.request = b.toByteArray();
        }

        SecureSession run() throws PairingException, InterruptedException {
            Thread launcher = Thread.ofVirtual().name("peerlink-pairing-dial").start(() -> {
                try {
                    List<InetSocketAddress> cands = code.candidates();
                    for (int i = 0; i < cands.size() && !winner.isDone(); i++) {
                        InetSocketAddress a = cands.get(i);
                        Thread.ofVirtual().name("peerlink-pairing-dial-" + a).start(() -> attempt(a));
                        // next one after the stagger, or as soon as any attempt fails
                        failed.tryAcquire(STAGGER.toMillis(), TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException ignored) {
                    // dial over
                }
            });
            try {
                return winner.get(Math.max(1, remainingMillis()), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw (PairingException) e.getCause();
            } catch (TimeoutException e) {
                PairingException pin = pinFailure;
                if (pin != null) {
                    throw pin;
                }
                throw new PairingException(Reason.TIMEOUT, "could not pair with " + code.deviceId() + " within "
                        + timeout.toMillis() + " ms" + summary());
            } finally {
                launcher.interrupt();
                winner.completeExceptionally(new PairingException(Reason.CLOSED, "dial over"));
                SecureSession won = winner.isCompletedExceptionally() ? null : winner.getNow(null);
                sockets.forEach((s, isWinner) -> {
                    if (won == null || !isWinner) {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing losers
                        }
                    }
                });
            }
        }

        long remainingMillis() {
            return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        }

        String summary() {
            return failures.isEmpty() ? "" : ": " + String.join("; ", failures);
        }

        void attempt(InetSocketAddress a) {
            Socket s = new Socket();
            sockets.put(s, false);
            SecureSession session = null;
            try {
                long left = remainingMillis();
                if (left <= 0 || winner.isDone()) {
                    throw new SocketTimeoutException("out of time");
                }
                s.connect(a, (int) Math.min(Integer.MAX_VALUE, left));
                left = Math.max(1, remainingMillis());
                SessionConfig c = config.handshakeTimeout().toMillis() > left
                        ? config.withHandshakeTimeout(Duration.ofMillis(left)) : config;
                session = TlsTransport.connect(s, self, code.identity(), c);
                tokenLock.lockInterruptibly();
                try {
                    if (winner.isDone()) {
                        session.close();
                        return;
                    }
                    int status = exchange(session);
                    if (status == PairingWire.OK) {
                        sockets.put(s, true);
                        if (!winner.complete(session)) {
                            sockets.put(s, false);
                            session.close();
                        }
                    } else {
                        session.close();
                        // the listener behind every candidate is the same: its answer is final
                        winner.completeExceptionally(PairingWire.refusal(status));
                    }
                    return;
                } finally {
                    tokenLock.unlock();
                }
            } catch (SecureHandshakeException e) {
                if (e.pinMismatch()) {
                    pinFailure = new PairingException(Reason.PIN_MISMATCH, "the device at " + hostPort(a)
                            + " is not " + code.deviceId() + " (its key differs from the pairing code's "
                            + code.identity().fingerprint() + "), or it refused our identity", e);
                    failures.add(hostPort(a) + ": not the device in the code");
                } else {
                    failures.add(hostPort(a) + ": " + e.getMessage());
                }
            } catch (ConnectException | NoRouteToHostException e) {
                failures.add(hostPort(a) + ": " + e.getMessage());
            } catch (IOException e) {
                failures.add(hostPort(a) + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (session != null) {
                session.close();
            }
            try {
                s.close();
            } catch (IOException ignored) {
                // failed attempt
            }
            failed.release();
            if (pending.decrementAndGet() == 0) {
                PairingException pin = pinFailure;
                winner.completeExceptionally(pin != null ? pin : new PairingException(Reason.UNREACHABLE,
                        "could not reach " + code.deviceId() + " at any of its " + code.candidates().size()
                                + " addresses" + summary()));
            }
        }

        /** Sends the token on the first stream and reads the answer (bounded by the handshake timeout). */
        int exchange(SecureSession session) throws IOException {
            long limit = Math.max(1, Math.min(remainingMillis(), config.handshakeTimeout().toMillis()));
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(session::close, limit, TimeUnit.MILLISECONDS);
            try {
                SecureStream st = session.openStream();
                st.output().write(request);
                st.output().flush();
                // no FIN yet: the listener waits for it as the sign that we have read its answer
                InputStream in = st.input();
                int status = in.read();
                st.close();
                if (status < 0) {
                    throw new IOException("the device closed the connection without answering the pairing request");
                }
                if (!session.isOpen() && status == PairingWire.OK) {
                    throw new IOException("the session closed during pairing");
                }
                return status;
            } finally {
                watchdog.cancel(false);
            }
        }

        static String hostPort(InetSocketAddress a) {
            String h = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
            return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
        }
    }
}
