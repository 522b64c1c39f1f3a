package dev.peerlink.secure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback forwarder we control, standing for the path (or a relay): it records every byte it forwards (to
 * look for plaintext) and can start dropping everything ("blackhole") to simulate a dead path.
 */
abstract class LoopbackProxy implements AutoCloseable {
    protected final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    protected volatile boolean blackholed;
    protected final AtomicLong forwarded = new AtomicLong();

    abstract InetSocketAddress address();

    void blackhole() {
        blackholed = true;
    }

    long forwardedBytes() {
        return forwarded.get();
    }

    byte[] captured() {
        synchronized (captured) {
            return captured.toByteArray();
        }
    }

    protected void record(byte[] b, int off, int len) {
        forwarded.addAndGet(len);
        synchronized (captured) {
            if (captured.size() < (64 << 20)) {
                captured.write(b, off, len);
            }
        }
    }

    /** UDP: the first sender that is not the target is the client; datagrams are relayed both ways. */
    static final class Udp extends LoopbackProxy {
        private final DatagramSocket socket;
        private final InetSocketAddress target;
        private volatile SocketAddress client;
        private final Thread pump;

        Udp(InetSocketAddress target) throws IOException {
            this.target = target;
            this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setReceiveBufferSize(4 << 20);
            socket.setSendBufferSize(4 << 20);
            this.pump = Thread.ofPlatform().daemon().name("udp-proxy").start(this::run);
        }

        private void run() {
            byte[] buf = new byte[65_536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                while (true) {
                    p.setData(buf);
                    socket.receive(p);
                    if (blackholed) {
                        continue;
                    }
                    SocketAddress from = p.getSocketAddress();
                    SocketAddress to;
                    if (from.equals(target)) {
                        to = client;
                        if (to == null) {
                            continue;
                        }
                    } else {
                        client = from;
                        to = target;
                    }
                    record(p.getData(), p.getOffset(), p.getLength());
                    socket.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength(), to));
                }
            } catch (IOException e) {
                // closed
            }
        }

        @Override
        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** TCP: accepts one connection and pumps it to the target. Blackholed, it keeps both sockets open and drops bytes. */
    static final class Tcp extends LoopbackProxy {
        private final ServerSocket server;
        private final InetSocketAddress target;
        private volatile Socket a;
        private volatile Socket b;

        Tcp(InetSocketAddress target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().name("tcp-proxy").start(this::run);
        }

        private void run() {
            try {
                a = server.accept();
                b = new Socket(target.getAddress(), target.getPort());
                Thread.ofPlatform().daemon().start(() -> pump(a, b));
                Thread.ofPlatform().daemon().start(() -> pump(b, a));
            } catch (IOException e) {
                // closed
            }
        }

        private void pump(Socket from, Socket to) {
            byte[] buf = new byte[65_536];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (blackholed) {
                        continue;
                    }
                    record(buf, 0, n);
                    out.write(buf, 0, n);
                }
                if (!blackholed) {
                    to.shutdownOutput(); // a blackholed path tells nobody anything, not even an end
                }
            } catch (IOException e) {
                // closed
            }
        }

        @Override
        InetSocketAddress address() {
            return (InetSocketAddress) server.getLocalSocketAddress();
        }

        @Override
        public void close() throws IOException {
            server.close();
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        }
    }
}
