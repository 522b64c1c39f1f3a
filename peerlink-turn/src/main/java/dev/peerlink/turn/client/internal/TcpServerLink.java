package dev.peerlink.turn.client.internal;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunFraming;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.TransactionId;
import dev.peerlink.turn.ChannelData;
import dev.peerlink.turn.TurnAttributes;
import dev.peerlink.turn.client.StreamConnector;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TURN over one TCP or TLS connection. STUN messages and ChannelData share the stream; the first two
 * bits of each frame tell them apart. No retransmission: TCP is reliable, so a transaction only
 * times out (RFC 8489 §6.2.2: 39.5 s).
 */
public final class TcpServerLink implements ServerLink {
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofMillis(39_500);

    private final Socket socket;
    private final OutputStream out;
    private final Inbound inbound;
    private final Duration timeout;
    private final Map<TransactionId, CompletableFuture<StunMessage>> pending = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private TcpServerLink(Socket socket, Inbound inbound, Duration timeout) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 4096);
        this.inbound = inbound;
        this.timeout = timeout;
        Thread reader = new Thread(this::readLoop, "turn-tcp-rx-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    public static TcpServerLink open(InetSocketAddress local, InetSocketAddress server, Duration timeout,
                                     Inbound inbound) throws IOException {
        return open(local, server, timeout, inbound, null);
    }

    /**
     * With {@code tls} non-null the connection runs TLS (TURN over TLS); the handshake must finish within
     * {@code connectTimeout} as the connect must.
     */
    public static TcpServerLink open(InetSocketAddress local, InetSocketAddress server, Duration timeout,
                                     Inbound inbound, SSLSocketFactory tls) throws IOException {
        return open(local, server, timeout, inbound, tls, null);
    }

    /** As above, the TCP connection opened by {@code connector} (e.g. through a proxy) when non-null. */
    public static TcpServerLink open(InetSocketAddress local, InetSocketAddress server, Duration timeout,
                                     Inbound inbound, SSLSocketFactory tls, StreamConnector connector) throws IOException {
        int connectMillis = (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE);
        Socket s = connector == null ? new Socket() : connector.connect(server, timeout);
        try {
            s.setTcpNoDelay(true); // small requests and ChannelData must not wait for Nagle
            if (connector == null) {
                s.bind(local);
                s.connect(server, connectMillis);
            }
            if (tls == null) {
                return new TcpServerLink(s, inbound, timeout);
            }
            SSLSocket secure = (SSLSocket) tls.createSocket(s, server.getHostString(), server.getPort(), true);
            secure.setSoTimeout(connectMillis);
            secure.startHandshake();
            secure.setSoTimeout(0);
            return new TcpServerLink(secure, inbound, timeout);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public CompletableFuture<StunMessage> transact(StunMessage request, MessageProtection protection) {
        CompletableFuture<StunMessage> f = new CompletableFuture<>();
        if (pending.putIfAbsent(request.transactionId(), f) != null) {
            throw new IllegalArgumentException("transaction already in flight: " + request.transactionId());
        }
        f.whenComplete((r, e) -> pending.remove(request.transactionId(), f));
        f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            send(StunEncoder.standard().encode(request, protection));
        } catch (IOException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    @Override
    public void send(byte[] bytes) throws IOException {
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    @Override
    public boolean streamOriented() {
        return true;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void readLoop() {
        byte[] buf = new byte[StunMessage.HEADER_LENGTH + 0xFFFF + 4];
        try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
            while (!closed) {
                in.readFully(buf, 0, 4);
                if (ChannelData.isChannelData(buf, 0, 4)) {
                    int len = ChannelData.tcpFrameLength(buf, 0, 4);
                    in.readFully(buf, 4, len - 4);
                    inbound.channelData(ChannelData.decode(buf, 0, len));
                } else {
                    int len = StunFraming.frameLength(buf, 0, 4);
                    in.readFully(buf, 4, len - 4);
                    dispatch(TurnAttributes.DECODER.decode(buf, 0, len));
                }
            }
        } catch (EOFException e) {
            fail(new IOException("TURN server closed the TCP connection"));
        } catch (IOException | StunDecodeException e) {
            // A framing error leaves the stream unsynchronised: the connection is unusable.
            fail(e instanceof IOException io ? io : new IOException("bad frame from TURN server", e));
        }
    }

    private void dispatch(StunMessage m) {
        if (m.messageClass().isResponse()) {
            CompletableFuture<StunMessage> f = pending.get(m.transactionId());
            if (f != null) {
                f.complete(m);
            }
        } else if (m.messageClass() == dev.peerlink.stun.StunClass.INDICATION) {
            inbound.indication(m);
        }
    }

    private void fail(IOException e) {
        close();
        for (CompletableFuture<StunMessage> f : pending.values()) {
            f.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
