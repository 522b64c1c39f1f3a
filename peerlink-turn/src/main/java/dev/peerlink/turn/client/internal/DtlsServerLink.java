package dev.peerlink.turn.client.internal;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.client.RetransmissionPolicy;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TURN over DTLS 1.2 (RFC 7350, {@code turns:} over UDP): a connected UDP socket, the JDK's SSLEngine in client mode,
 * and a {@link UdpServerLink} above it, so requests are retransmitted exactly as over UDP. Every message goes out as one
 * record; a reader thread decrypts what the server sends and hands it to the UDP link.
 */
public final class DtlsServerLink implements ServerLink {
    private static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    private static final int MAX_DATAGRAM = 65_535;

    private final DatagramSocket socket;
    private final SSLEngine engine;
    private final UdpServerLink udp;
    private final Thread reader;
    private volatile boolean closed;

    private DtlsServerLink(DatagramSocket socket, SSLEngine engine, InetSocketAddress server, RetransmissionPolicy policy,
                           Inbound inbound) {
        this.socket = socket;
        this.engine = engine;
        this.udp = UdpServerLink.over((datagram, to) -> seal(datagram), (InetSocketAddress) socket.getLocalSocketAddress(),
                server, policy, inbound);
        this.reader = Thread.ofPlatform().daemon().name("turn-dtls-" + socket.getLocalPort()).unstarted(() -> read(server));
    }

    /** Binds {@code local}, runs the handshake (up to 10 s, flights retransmitted from 500 ms doubling) and starts reading. */
    public static DtlsServerLink open(InetSocketAddress local, InetSocketAddress server, RetransmissionPolicy policy,
                                      Inbound inbound, SSLContext context) throws IOException {
        DatagramSocket socket = new DatagramSocket(local);
        try {
            socket.connect(server);
            SSLEngine engine = context.createSSLEngine(server.getHostString(), server.getPort());
            engine.setUseClientMode(true);
            handshake(socket, engine);
            DtlsServerLink link = new DtlsServerLink(socket, engine, server, policy, inbound);
            link.reader.start();
            return link;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static void handshake(DatagramSocket socket, SSLEngine engine) throws IOException {
        long deadline = System.currentTimeMillis() + HANDSHAKE_TIMEOUT_MS;
        int rto = 500;
        byte[] in = new byte[MAX_DATAGRAM];
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        engine.beginHandshake();
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            switch (hs) {
                case NEED_WRAP -> send(socket, engine, ByteBuffer.allocate(0));
                case NEED_TASK -> runTasks(engine);
                case NEED_UNWRAP_AGAIN -> engine.unwrap(ByteBuffer.allocate(0), app.clear());
                case NEED_UNWRAP -> {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) {
                        throw new SSLException("DTLS handshake with " + socket.getRemoteSocketAddress() + " timed out");
                    }
                    DatagramPacket p = new DatagramPacket(in, in.length);
                    socket.setSoTimeout((int) Math.min(rto, left));
                    try {
                        socket.receive(p);
                    } catch (SocketTimeoutException e) {
                        rto = Math.min(rto * 2, 4_000);
                        retransmit(socket, engine); // a wrap while waiting re-sends the last flight
                        continue;
                    }
                    ByteBuffer src = ByteBuffer.wrap(in, 0, p.getLength());
                    while (src.hasRemaining()) {
                        SSLEngineResult r = engine.unwrap(src, app.clear());
                        if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                            runTasks(engine);
                        }
                        if (r.bytesConsumed() == 0 || r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            break;
                        }
                    }
                }
                default -> { // FINISHED, NOT_HANDSHAKING
                    socket.setSoTimeout(0);
                    return;
                }
            }
        }
    }

    private static void runTasks(SSLEngine engine) {
        Runnable t;
        while ((t = engine.getDelegatedTask()) != null) {
            t.run();
        }
    }

    private static void retransmit(DatagramSocket socket, SSLEngine engine) throws IOException {
        for (int i = 0; i < 16; i++) {
            ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), net);
            if (r.bytesProduced() == 0) {
                return;
            }
            socket.send(new DatagramPacket(net.array(), 0, net.position()));
        }
    }

    /** Wraps {@code src} into one record and sends it. */
    private static void send(DatagramSocket socket, SSLEngine engine, ByteBuffer src) throws IOException {
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        SSLEngineResult r = engine.wrap(src, net);
        if (r.getStatus() != SSLEngineResult.Status.OK && r.getStatus() != SSLEngineResult.Status.CLOSED) {
            throw new SSLException("DTLS wrap: " + r.getStatus());
        }
        if (net.position() > 0) {
            socket.send(new DatagramPacket(net.array(), 0, net.position()));
        }
    }

    private void seal(ByteBuffer message) throws IOException {
        if (closed) {
            throw new IOException("DTLS link closed");
        }
        send(socket, engine, message);
    }

    private void read(InetSocketAddress server) {
        byte[] in = new byte[MAX_DATAGRAM];
        ByteBuffer app = ByteBuffer.allocate(Math.max(MAX_DATAGRAM, engine.getSession().getApplicationBufferSize()));
        while (!closed) {
            DatagramPacket p = new DatagramPacket(in, in.length);
            try {
                socket.receive(p);
                ByteBuffer src = ByteBuffer.wrap(in, 0, p.getLength());
                while (src.hasRemaining()) {
                    SSLEngineResult r = engine.unwrap(src, app.clear());
                    if (r.bytesProduced() > 0) {
                        udp.receive(app.flip(), server);
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        return; // close_notify: requests now time out, as when a UDP server goes away
                    }
                    if (r.bytesConsumed() == 0) {
                        break;
                    }
                }
            } catch (SSLException e) {
                // a record that does not decrypt is dropped, as DTLS does with forged records
            } catch (IOException e) {
                return; // socket closed
            }
        }
    }

    @Override
    public CompletableFuture<StunMessage> transact(StunMessage request, MessageProtection protection) {
        return udp.transact(request, protection);
    }

    @Override
    public void send(byte[] bytes) throws IOException {
        udp.send(bytes);
    }

    @Override
    public boolean streamOriented() {
        return false;
    }

    @Override
    public InetSocketAddress localAddress() {
        return udp.localAddress();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        udp.close();
        try {
            engine.closeOutbound();
            send(socket, engine, ByteBuffer.allocate(0)); // close_notify: the server drops the association now
        } catch (IOException ignored) {
            // best effort
        }
        socket.close();
    }
}
