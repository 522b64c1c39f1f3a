package dev.peerlink.exit.provider;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Destinations on 127.0.0.1 for the exit to dial: TCP echo, a TCP source of N bytes, UDP echo. */
final class LocalServers implements AutoCloseable {
    private final List<AutoCloseable> open = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicInteger accepted = new AtomicInteger();

    /** Echoes each connection; half-closes its output when the input ends. */
    int tcpEcho() throws IOException {
        return tcp(s -> {
            s.getInputStream().transferTo(s.getOutputStream());
            s.shutdownOutput();
        });
    }

    /** Sends {@code n} bytes on each connection, then closes it. */
    int tcpSource(int n) throws IOException {
        return tcp(s -> {
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[16 * 1024];
            for (int left = n; left > 0; left -= chunk.length) {
                out.write(chunk, 0, Math.min(left, chunk.length));
            }
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            in.transferTo(OutputStream.nullOutputStream());
        });
    }

    /** A port nothing listens on (just closed). */
    static int closedPort() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        }
    }

    int udpEcho() throws IOException {
        DatagramSocket ds = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        open.add(ds);
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[2048];
            while (!ds.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    ds.receive(p);
                    ds.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return ds.getLocalPort();
    }

    private int tcp(Handler h) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        open.add(ss);
        Thread.ofVirtual().start(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    accepted.incrementAndGet();
                    open.add(s);
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            h.handle(s);
                        } catch (IOException e) {
                            // the exit went away: the test checks what it saw
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return ss.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : List.copyOf(open)) {
            c.close();
        }
    }

    interface Handler {
        void handle(Socket s) throws IOException;
    }
}
