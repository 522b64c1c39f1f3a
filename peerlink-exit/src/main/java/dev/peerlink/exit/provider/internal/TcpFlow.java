package dev.peerlink.exit.provider.internal;

import dev.peerlink.exit.ExitException;
import dev.peerlink.exit.wire.ExitCodec;
import dev.peerlink.exit.wire.ExitError;
import dev.peerlink.exit.wire.ExitProtocolException;
import dev.peerlink.exit.wire.ExitReply;
import dev.peerlink.exit.wire.ExitRequest;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One exit stream: read the request, check and open the TCP connection, reply, then carry bytes both ways (one
 * virtual thread per direction) with half-close passed on, until both directions end or either fails.
 */
public final class TcpFlow {
    public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    static final int BUFFER = 64 * 1024;

    private final ExitCore core;
    private final ExitSession session;
    private final SecureStream stream;
    private final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();
    /** Set once the stream has been ended one way or another (graceful close, refusal or abort). */
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicReference<String> cut = new AtomicReference<>();
    private volatile Socket socket;
    private long bytesUp;
    private volatile long bytesDown;

    public TcpFlow(ExitCore core, ExitSession session, SecureStream stream) {
        this.core = core;
        this.session = session;
        this.stream = stream;
    }

    /** Serves the stream to its end (on the stream's own virtual thread). */
    public void run() {
        ExitRequest request = readRequest();
        if (request == null) {
            return;
        }
        String requester = session.requester();
        Requesters.Requester slot = null;
        String ip = null;
        try {
            core.checkAdmitted(requester);
            core.checkPort(request.port());
            core.checkQuota(requester);
            slot = core.requesters().reserve(requester);
            List<InetAddress> addresses = core.resolve(request.host(), request.port());
            socket = core.connect(addresses, request.port());
            ip = socket.getInetAddress().getHostAddress();
            if (ended.get()) { // aborted while connecting: abort() may not have seen the socket
                ExitCore.closeQuietly(socket);
                throw new ExitException(ExitError.INTERNAL, "exit closing");
            }
            core.tally().opened();
            reply(ExitReply.opened(socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort()));
            pump(slot);
            log(request, ip, "ok");
        } catch (ExitException e) {
            core.tally().refused(e.error());
            log(request, ip, e.error().wire());
            refuse(e.error(), e.getMessage());
            if (e.error() == ExitError.NOT_ADMITTED) {
                session.closeSoon();
            }
        } catch (IOException e) {
            log(request, ip, "ok"); // opened, but the requester went away before the reply
        } finally {
            if (slot != null) {
                core.requesters().release(slot);
            }
            abort();
        }
    }

    /** Ends the flow now (server closing, session lost, a direction failed); no-op once it ended. */
    public void abort() {
        if (ended.compareAndSet(false, true)) {
            Socket s = socket;
            if (s != null) {
                ExitCore.closeQuietly(s);
            }
            stream.reset();
        }
    }

    private ExitRequest readRequest() {
        ScheduledFuture<?> timeout = core.schedule(stream::reset, HEADER_TIMEOUT.toMillis());
        if (timeout == null) {
            stream.reset(); // the exit is closing
            return null;
        }
        try {
            return ExitCodec.decodeRequest(ExitCodec.readFrame(stream.input()));
        } catch (ExitProtocolException e) {
            core.tally().refused(ExitError.BAD_REQUEST);
            refuse(ExitError.BAD_REQUEST, e.getMessage());
            return null;
        } catch (IOException e) {
            stream.reset(); // timed out or the stream died: nobody to answer
            return null;
        } finally {
            timeout.cancel(false);
        }
    }

    private void reply(ExitReply r) throws IOException {
        OutputStream out = stream.output();
        out.write(ExitCodec.encode(r));
        out.flush();
    }

    /** Answers a refusal and ends the stream gracefully (FIN after the reply). */
    private void refuse(ExitError error, String message) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            reply(ExitReply.failed(error, message));
            stream.close();
        } catch (IOException | RuntimeException e) {
            stream.reset();
        }
    }

    private void pump(Requesters.Requester slot) throws IOException {
        Socket s = socket;
        Thread down = Thread.ofVirtual().name("exit-down-" + stream.id()).start(() -> {
            try {
                copy(s.getInputStream(), stream.output(), slot, false);
                stream.output().close(); // destination's FIN → requester
            } catch (IOException | InterruptedException e) {
                abort();
            }
        });
        try {
            copy(stream.input(), s.getOutputStream(), slot, true);
            s.shutdownOutput(); // requester's FIN → destination
        } catch (IOException | InterruptedException e) {
            abort();
        }
        try {
            down.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
        }
        if (ended.compareAndSet(false, true)) {
            ExitCore.closeQuietly(s);
            stream.close();
        }
    }

    private void copy(InputStream in, OutputStream out, Requesters.Requester slot, boolean upward)
            throws IOException, InterruptedException {
        byte[] buf = new byte[BUFFER];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (n == 0) {
                continue;
            }
            core.pace(slot, upward, n);
            out.write(buf, 0, n);
            out.flush();
            if (upward) {
                bytesUp += n;
            } else {
                bytesDown += n;
            }
            if (!core.count(slot, upward, n)) {
                cut.compareAndSet(null, ExitError.QUOTA_EXCEEDED.wire());
                throw new IOException("daily quota exceeded");
            }
        }
    }

    private void log(ExitRequest r, String ip, String result) {
        core.log(new FlowRecord(started, "tcp", session.requester(), r.host(), r.port(), ip, result, bytesUp, bytesDown,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), cut.get()));
    }
}
