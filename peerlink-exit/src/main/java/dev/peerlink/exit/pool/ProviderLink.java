package dev.peerlink.exit.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.exit.ExitException;
import dev.peerlink.exit.ExitFlow;
import dev.peerlink.exit.UdpAssociation;
import dev.peerlink.exit.wire.ExitCodec;
import dev.peerlink.exit.wire.ExitDatagram;
import dev.peerlink.exit.wire.ExitError;
import dev.peerlink.exit.wire.ExitProtocolException;
import dev.peerlink.exit.wire.ExitReply;
import dev.peerlink.exit.wire.ExitRequest;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One connected provider: its secure peer connection, the link meter fed by pings, the state it reports, and the flows
 * it carries. Flows are streams on the connection: header frame out, reply frame in, then raw bytes.
 */
final class ProviderLink {
    private static final ObjectMapper JSON = new ObjectMapper();

    final String id;
    final PeerConnection connection;
    final LinkMeter meter;
    final AtomicInteger flows = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();
    final Map<Integer, Consumer<UdpAssociation.Packet>> udp = new ConcurrentHashMap<>();
    volatile double reportedDownKbps = Double.NaN;
    volatile double reportedUpKbps = Double.NaN;
    volatile boolean closed;

    ProviderLink(String id, PeerConnection connection, long nowNanos) {
        this.id = id;
        this.connection = connection;
        this.meter = new LinkMeter(nowNanos);
    }

    String path() {
        return connection.path();
    }

    double score(long nowNanos) {
        return ExitScore.score(meter.rttMs(), meter.loss(), reportedDownKbps, reportedUpKbps, meter.silentMs(nowNanos));
    }

    /** Opens a flow (blocking: header out, reply in). Connection-level failures are IOExceptions, refusals ExitExceptions. */
    ExitFlow open(String host, int port) throws IOException {
        SecureStream s = connection.openStream();
        try {
            OutputStream out = s.output();
            out.write(ExitCodec.encode(new ExitRequest(host, port)));
            out.flush();
            ExitReply reply = ExitCodec.decodeReply(ExitCodec.readFrame(s.input()));
            if (!reply.ok()) {
                s.close();
                throw new ExitException(reply.error(), reply.message());
            }
            flows.incrementAndGet();
            return new Flow(s, reply.bound());
        } catch (ExitProtocolException e) {
            s.close();
            throw new ExitException(ExitError.INTERNAL, "provider " + id + " answered badly: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            s.close();
            throw new ExitException(ExitError.BAD_REQUEST, e.getMessage());
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    void send(ExitDatagram d) throws IOException {
        connection.sendDatagram(ExitDatagram.encode(d));
    }

    /** A provider STATE datagram: keeps what the score uses. */
    void state(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            JsonNode down = n.path("link").path("downKbps");
            if (down.isNumber()) {
                reportedDownKbps = down.doubleValue();
            }
            JsonNode up = n.path("link").path("upKbps");
            if (up.isNumber()) {
                reportedUpKbps = up.doubleValue();
            }
        } catch (IOException | RuntimeException ignored) {
            // a state we cannot read changes nothing
        }
    }

    void close() {
        closed = true;
        connection.close();
    }

    /** A flow on a stream of this connection; counts the bytes it carries for the pool's status. */
    private final class Flow implements ExitFlow {
        private final SecureStream stream;
        private final String bound;
        private final InputStream in;
        private final OutputStream out;
        private boolean done;

        Flow(SecureStream stream, String bound) {
            this.stream = stream;
            this.bound = bound;
            this.in = new java.io.FilterInputStream(stream.input()) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        bytes.addAndGet(n);
                    }
                    return n;
                }
            };
            this.out = new java.io.FilterOutputStream(stream.output()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    bytes.addAndGet(len);
                }
            };
        }

        public InputStream input() {
            return in;
        }

        public OutputStream output() {
            return out;
        }

        public String exit() {
            return id;
        }

        public String bound() {
            return bound;
        }

        public synchronized void close() {
            if (!done) {
                done = true;
                flows.decrementAndGet();
                stream.close();
            }
        }
    }
}
