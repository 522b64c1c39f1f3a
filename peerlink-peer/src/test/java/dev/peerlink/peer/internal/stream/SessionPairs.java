package dev.peerlink.peer.internal.stream;

import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.QuicTransport;
import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SessionConfig;
import dev.peerlink.secure.TlsTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Secure session pairs on loopback for the migration tests: a = initiator (client), b = responder. */
final class SessionPairs implements AutoCloseable {
    record Pair(SecureSession a, SecureSession b, Socket rawA) {
    }

    final DeviceIdentity a = DeviceIdentity.generate();
    final DeviceIdentity b = DeviceIdentity.generate();
    private QuicTransport quic;

    Pair pair(String transport, SessionConfig config) throws Exception {
        return transport.equals("quic") ? quic(config) : tls(config, null);
    }

    /** TLS over a direct loopback connection, or through {@code proxy} if given. */
    Pair tls(SessionConfig config, Blackhole proxy) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<SecureSession> server = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    server.complete(TlsTransport.accept(listener.accept(), b, a.publicIdentity(), config));
                } catch (Throwable e) {
                    server.completeExceptionally(e);
                }
            });
            int port = listener.getLocalPort();
            if (proxy != null) {
                port = proxy.start(port);
            }
            Socket raw = new Socket(InetAddress.getLoopbackAddress(), port);
            SecureSession client = TlsTransport.connect(raw, a, b.publicIdentity(), config);
            return new Pair(client, server.get(20, TimeUnit.SECONDS), raw);
        }
    }

    Pair quic(SessionConfig config) throws Exception {
        if (quic == null) {
            quic = new QuicTransport(2);
        }
        DatagramChannel cs = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        DatagramChannel ss = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        for (DatagramChannel c : new DatagramChannel[] {cs, ss}) {
            c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            c.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        }
        InetSocketAddress at = (InetSocketAddress) ss.getLocalAddress(); // accept takes the socket over
        CompletableFuture<SecureSession> s = quic.accept(ss, b, a.publicIdentity(), config);
        CompletableFuture<SecureSession> c = quic.connect(cs, at, a,
                b.publicIdentity(), config);
        return new Pair(c.get(20, TimeUnit.SECONDS), s.get(20, TimeUnit.SECONDS), null);
    }

    @Override
    public void close() {
        if (quic != null) {
            quic.close();
        }
    }

    /** A one-connection TCP relay that can start dropping everything (a dead path, not a closed one). */
    static final class Blackhole implements AutoCloseable {
        private volatile boolean dropping;
        private ServerSocket listener;

        int start(int targetPort) throws IOException {
            listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                try (Socket in = listener.accept(); Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                    Thread t = Thread.ofVirtual().start(() -> pipe(in, out));
                    pipe(out, in);
                    t.join();
                } catch (Exception ignored) {
                    // test over
                }
            });
            return listener.getLocalPort();
        }

        private void pipe(Socket from, Socket to) {
            byte[] buf = new byte[64 * 1024];
            try {
                InputStream i = from.getInputStream();
                OutputStream o = to.getOutputStream();
                int n;
                while ((n = i.read(buf)) > 0) {
                    if (!dropping) {
                        o.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // closed
            }
        }

        void blackhole() {
            dropping = true;
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
