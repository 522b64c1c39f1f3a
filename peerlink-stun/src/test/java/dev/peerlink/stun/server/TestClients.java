package dev.peerlink.stun.server;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/** Blocking STUN clients for tests: a UDP socket and a TCP connection with short timeouts. */
final class TestClients {
    private TestClients() {}

    static byte[] encode(StunMessage m) {
        return StunEncoder.standard().encode(m, MessageProtection.NONE);
    }

    static StunMessage decode(byte[] b) {
        try {
            return StunDecoder.standard().decode(b);
        } catch (StunDecodeException e) {
            throw new AssertionError("server sent malformed STUN: " + e.getMessage(), e);
        }
    }

    /** A datagram and who sent it. */
    record Received(byte[] bytes, InetSocketAddress from) {
        StunMessage message() {
            return decode(bytes);
        }
    }

    static final class Udp implements AutoCloseable {
        final DatagramSocket socket;

        Udp(InetAddress bindTo) throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(bindTo, 0));
            socket.setSoTimeout(2000);
        }

        InetSocketAddress local() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        void send(byte[] data, InetSocketAddress to) throws IOException {
            socket.send(new DatagramPacket(data, data.length, to));
        }

        Received receive() throws IOException {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            return new Received(Arrays.copyOf(buf, p.getLength()), (InetSocketAddress) p.getSocketAddress());
        }

        /** The next datagram, or null if none arrives within {@code millis}. */
        Received receiveWithin(int millis) throws IOException {
            int old = socket.getSoTimeout();
            socket.setSoTimeout(millis);
            try {
                return receive();
            } catch (SocketTimeoutException e) {
                return null;
            } finally {
                socket.setSoTimeout(old);
            }
        }

        StunMessage exchange(StunMessage request, InetSocketAddress to) throws IOException {
            send(encode(request), to);
            return receive().message();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    static final class Tcp implements AutoCloseable {
        final Socket socket;

        Tcp(InetSocketAddress server) throws IOException {
            socket = new Socket();
            socket.connect(server, 2000);
            socket.setSoTimeout(3000);
            socket.setTcpNoDelay(true);
        }

        void write(byte[] data) throws IOException {
            socket.getOutputStream().write(data);
            socket.getOutputStream().flush();
        }

        /** Reads one STUN message using its length field. */
        StunMessage read() throws IOException {
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(20);
            if (head.length < 20) {
                throw new IOException("connection closed");
            }
            int len = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
            byte[] all = Arrays.copyOf(head, 20 + len);
            byte[] body = in.readNBytes(len);
            System.arraycopy(body, 0, all, 20, body.length);
            return decode(all);
        }

        /** True when the server closes the connection (read sees end of stream) within the timeout. */
        boolean closedByServer() throws IOException {
            try {
                return socket.getInputStream().read() == -1;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
