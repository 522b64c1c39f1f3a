package dev.peerlink.cast.internal;

import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

/**
 * Joins an encrypted peer stream to a loopback TCP socket, so the RTMP endpoints (plain Netty TCP) run unchanged over
 * the peer connection. Costs one copy per byte: nothing at projection bitrates (8 Mbit/s is 1 MB/s).
 * Half-close is passed on both ways: RTMP ends with FIN, and the peer stream's FIN ends the socket's output.
 */
public final class StreamBridge {
    private static final int BUFFER = 64 * 1024;
    /**
     * Kernel buffers of the loopback half. Loopback autotunes to megabytes, which would hide a slow peer connection
     * from the RTMP endpoint for seconds (its socket stays writable while the kernel soaks up frames); small buffers
     * make the backlog show at once, so the live hub skips to a key frame and the bitrate controller reacts.
     */
    private static final int SOCKET_BUFFER = 64 * 1024;

    private StreamBridge() {
    }

    /** Copies both ways on virtual threads; completes when both directions ended (either may fail). */
    public static CompletableFuture<Void> pipe(SecureStream stream, Socket socket) {
        CompletableFuture<Void> up = new CompletableFuture<>();
        CompletableFuture<Void> down = new CompletableFuture<>();
        Thread.ofVirtual().name("cast-bridge-out").start(() -> copy(socketIn(socket), stream.output(), up, () -> {
            closeQuietly(stream.output());
        }));
        Thread.ofVirtual().name("cast-bridge-in").start(() -> copy(stream.input(), socketOut(socket), down, () -> {
            try {
                socket.shutdownOutput();
            } catch (IOException ignored) {
                // socket already gone
            }
        }));
        return CompletableFuture.allOf(up, down).whenComplete((v, e) -> {
            closeQuietly(socket);
            stream.close();
        });
    }

    /** Connects to {@code target} (the local RTMP server) and pipes {@code stream} into it. */
    public static CompletableFuture<Void> toLocal(SecureStream stream, InetSocketAddress target) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setReceiveBufferSize(SOCKET_BUFFER);
            s.setSendBufferSize(SOCKET_BUFFER);
            s.connect(target, 5_000);
        } catch (IOException e) {
            closeQuietly(s);
            stream.reset();
            throw e;
        }
        return pipe(stream, s);
    }

    /**
     * A one-shot loopback listener: the first TCP client that connects (the local RTMP client) is piped to
     * {@code stream}; the listener closes after that one accept. Dial {@link #address()}.
     */
    public static final class Listener implements AutoCloseable {
        private final ServerSocket server;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        public Listener(SecureStream stream) throws IOException {
            server = new ServerSocket();
            server.setReceiveBufferSize(SOCKET_BUFFER); // inherited by the accepted socket
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            Thread.ofVirtual().name("cast-bridge-accept").start(() -> {
                try (server) {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    s.setSendBufferSize(SOCKET_BUFFER);
                    pipe(stream, s).whenComplete((v, e) -> done.complete(null));
                } catch (IOException e) {
                    stream.reset();
                    done.complete(null);
                }
            });
        }

        public InetSocketAddress address() {
            return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
        }

        /** Completes once the piped connection ended (or the listener closed without one). */
        public CompletableFuture<Void> done() {
            return done;
        }

        @Override
        public void close() {
            closeQuietly(server);
        }
    }

    private static void copy(InputStream in, OutputStream out, CompletableFuture<Void> done, Runnable eof) {
        try {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
            eof.run();
            done.complete(null);
        } catch (IOException e) {
            done.completeExceptionally(e);
        }
    }

    private static InputStream socketIn(Socket s) {
        try {
            return s.getInputStream();
        } catch (IOException e) {
            return InputStream.nullInputStream();
        }
    }

    private static OutputStream socketOut(Socket s) {
        try {
            return s.getOutputStream();
        } catch (IOException e) {
            return OutputStream.nullOutputStream();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort
        }
    }
}
