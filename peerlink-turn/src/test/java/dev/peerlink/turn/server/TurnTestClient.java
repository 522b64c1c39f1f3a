package dev.peerlink.turn.server;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunIntegrity;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.TransactionId;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.attribute.Nonce;
import dev.peerlink.stun.attribute.PasswordAlgorithm;
import dev.peerlink.stun.attribute.PasswordAlgorithms;
import dev.peerlink.stun.attribute.Realm;
import dev.peerlink.stun.attribute.Username;
import dev.peerlink.turn.ChannelData;
import dev.peerlink.turn.TurnAttributes;
import dev.peerlink.turn.attribute.ChannelNumber;
import dev.peerlink.turn.attribute.Data;
import dev.peerlink.turn.attribute.Lifetime;
import dev.peerlink.turn.attribute.RequestedTransport;
import dev.peerlink.turn.attribute.XorPeerAddress;
import dev.peerlink.turn.attribute.XorRelayedAddress;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A raw TURN client for tests: builds messages with the codec and speaks them over a DatagramSocket
 * or a Socket, nothing clever, so each test states exactly what goes on the wire.
 */
final class TurnTestClient implements AutoCloseable {
    /** Application data received from a peer, through a Data indication or ChannelData. */
    record Received(InetSocketAddress peer, int channel, byte[] data) {}

    private final Wire wire;
    private final ArrayDeque<byte[]> pendingData = new ArrayDeque<>();
    String username;
    String password;
    String realm;
    String nonce;
    boolean sha256;
    StunMessage lastResponse;

    private TurnTestClient(Wire wire) {
        this.wire = wire;
    }

    static TurnTestClient udp(InetSocketAddress server) throws IOException {
        return new TurnTestClient(new UdpWire(server, InetAddress.getLoopbackAddress()));
    }

    /** From another loopback address (127.0.0.2 ...): a different client IP on the same host. */
    static TurnTestClient udpFrom(InetAddress local, InetSocketAddress server) throws IOException {
        return new TurnTestClient(new UdpWire(server, local));
    }

    static TurnTestClient tcp(InetSocketAddress server) throws IOException {
        return new TurnTestClient(new TcpWire(TcpWire.connect(server)));
    }

    /** TURN over TLS ({@code turns:}); the server's self-signed certificate is accepted unchecked. */
    static TurnTestClient tls(InetSocketAddress server) throws IOException {
        return new TurnTestClient(new TcpWire(TlsSockets.connect(server)));
    }

    TurnTestClient credentials(String user, String pass) {
        this.username = user;
        this.password = pass;
        return this;
    }

    TurnTestClient sha256(boolean on) {
        this.sha256 = on;
        return this;
    }

    InetSocketAddress localAddress() {
        return wire.local();
    }

    byte[] key() {
        return sha256 ? StunIntegrity.longTermKeySha256(username, realm, password)
                : StunIntegrity.longTermKeyMd5(username, realm, password);
    }

    /** Sends a request and returns its response, adding credentials once a challenge was seen. */
    StunMessage request(StunMethod method, Consumer<StunMessage.Builder> attrs) throws IOException {
        return request(StunMessage.request(method), attrs);
    }

    StunMessage request(StunMessage.Builder b, Consumer<StunMessage.Builder> attrs) throws IOException {
        attrs.accept(b);
        MessageProtection p = MessageProtection.NONE;
        if (nonce != null && username != null) {
            b.add(new Username(username)).add(new Realm(realm)).add(new Nonce(nonce));
            if (sha256) {
                b.add(new PasswordAlgorithms(List.of(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5)))
                        .add(new PasswordAlgorithm(PasswordAlgorithm.SHA256));
                p = p.withIntegritySha256(key());
            } else {
                p = p.withIntegrity(key());
            }
        }
        StunMessage req = b.build();
        wire.send(StunEncoder.standard().encode(req, p));
        lastResponse = awaitResponse(req.transactionId());
        return lastResponse;
    }

    /** A request; on 401 or 438 it learns realm and nonce from the challenge and retries once. */
    StunMessage authed(StunMethod method, Consumer<StunMessage.Builder> attrs) throws IOException {
        StunMessage r = request(method, attrs);
        int code = errorCode(r);
        if (code == 401 || code == 438) {
            learn(r);
            r = request(method, attrs);
        }
        return r;
    }

    void learn(StunMessage challenge) {
        realm = challenge.attribute(Realm.class).map(Realm::value).orElse(realm);
        nonce = challenge.attribute(Nonce.class).map(Nonce::value).orElse(nonce);
    }

    static int errorCode(StunMessage m) {
        return m.attribute(ErrorCode.class).map(ErrorCode::code).orElse(0);
    }

    /** Allocate (UDP relaying); returns the relayed address. Fails the test on an error response. */
    InetSocketAddress allocate() throws IOException {
        StunMessage r = authed(StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.UDP)));
        if (r.messageClass() != StunClass.SUCCESS_RESPONSE) {
            throw new AssertionError("Allocate failed: " + r);
        }
        return r.attribute(XorRelayedAddress.class).orElseThrow().address();
    }

    StunMessage refresh(long lifetimeSeconds) throws IOException {
        return authed(StunMethod.REFRESH, b -> b.add(new Lifetime(lifetimeSeconds)));
    }

    StunMessage createPermission(InetSocketAddress... peers) throws IOException {
        return authed(StunMethod.CREATE_PERMISSION, b -> Arrays.stream(peers).forEach(p -> b.add(new XorPeerAddress(p))));
    }

    StunMessage channelBind(int channel, InetSocketAddress peer) throws IOException {
        return authed(StunMethod.CHANNEL_BIND, b -> b.add(new ChannelNumber(channel)).add(new XorPeerAddress(peer)));
    }

    void send(InetSocketAddress peer, byte[] data) throws IOException {
        StunMessage m = StunMessage.builder(StunMethod.SEND, StunClass.INDICATION, TransactionId.random())
                .add(new XorPeerAddress(peer)).add(new Data(data)).build();
        wire.send(StunEncoder.standard().encode(m));
    }

    void sendChannelData(int channel, byte[] data) throws IOException {
        wire.send(new ChannelData(channel, data).encode(wire.isTcp()));
    }

    void sendRaw(byte[] bytes) throws IOException {
        wire.send(bytes);
    }

    /** The next application data from a peer, or null after {@code timeoutMillis}. */
    Received receiveData(int timeoutMillis) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            byte[] b = pendingData.poll();
            if (b == null) {
                int left = (int) (deadline - System.currentTimeMillis());
                if (left <= 0) {
                    return null;
                }
                b = wire.receive(left);
                if (b == null) {
                    return null;
                }
            }
            Received r = asData(b);
            if (r != null) {
                return r;
            }
        }
    }

    private static Received asData(byte[] b) {
        try {
            if (ChannelData.isChannelData(b, 0, b.length)) {
                ChannelData cd = ChannelData.decode(b, 0, b.length);
                return new Received(null, cd.channel(), cd.data());
            }
            StunMessage m = TurnAttributes.DECODER.decode(b);
            if (m.method().equals(StunMethod.DATA) && m.messageClass() == StunClass.INDICATION) {
                return new Received(m.attribute(XorPeerAddress.class).orElseThrow().address(), -1,
                        m.attribute(Data.class).orElseThrow().value());
            }
        } catch (Exception e) {
            throw new AssertionError("undecodable message from server", e);
        }
        return null;
    }

    StunMessage awaitResponse(TransactionId id) throws IOException {
        long deadline = System.currentTimeMillis() + 3000;
        List<byte[]> other = new ArrayList<>();
        try {
            while (true) {
                int left = (int) (deadline - System.currentTimeMillis());
                byte[] b = left > 0 ? wire.receive(left) : null;
                if (b == null) {
                    throw new SocketTimeoutException("no response to " + id);
                }
                if (!ChannelData.isChannelData(b, 0, b.length)) {
                    StunMessage m = TurnAttributes.DECODER.decode(b);
                    if (m.transactionId().equals(id) && m.messageClass().isResponse()) {
                        return m;
                    }
                }
                other.add(b);
            }
        } catch (dev.peerlink.stun.StunDecodeException e) {
            throw new AssertionError("undecodable response", e);
        } finally {
            pendingData.addAll(other);
        }
    }

    /** Sends exactly this message with this protection, and returns the response. */
    StunMessage exchange(StunMessage req, MessageProtection p) throws IOException {
        wire.send(StunEncoder.standard().encode(req, p));
        lastResponse = awaitResponse(req.transactionId());
        return lastResponse;
    }

    /** Receives raw bytes (for hostile-input tests), or null on timeout. */
    byte[] receiveRaw(int timeoutMillis) throws IOException {
        return wire.receive(timeoutMillis);
    }

    boolean isClosedByServer() throws IOException {
        return wire.closedByPeer();
    }

    @Override
    public void close() throws IOException {
        wire.close();
    }

    private interface Wire extends AutoCloseable {
        void send(byte[] b) throws IOException;

        byte[] receive(int timeoutMillis) throws IOException;

        boolean isTcp();

        InetSocketAddress local();

        default boolean closedByPeer() throws IOException {
            return false;
        }

        @Override
        void close() throws IOException;
    }

    private static final class UdpWire implements Wire {
        private final DatagramSocket socket;
        private final InetSocketAddress server;

        UdpWire(InetSocketAddress server, InetAddress local) throws IOException {
            this.socket = new DatagramSocket(new InetSocketAddress(local, 0));
            this.server = server;
        }

        public void send(byte[] b) throws IOException {
            socket.send(new DatagramPacket(b, b.length, server));
        }

        public byte[] receive(int timeoutMillis) throws IOException {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.setSoTimeout(Math.max(1, timeoutMillis));
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return Arrays.copyOf(buf, p.getLength());
        }

        public boolean isTcp() {
            return false;
        }

        public InetSocketAddress local() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        public void close() {
            socket.close();
        }
    }

    private static final class TcpWire implements Wire {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private boolean eof;

        static Socket connect(InetSocketAddress server) throws IOException {
            Socket s = new Socket();
            s.connect(server, 2000);
            s.setTcpNoDelay(true);
            return s;
        }

        TcpWire(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        public void send(byte[] b) throws IOException {
            out.write(b);
            out.flush();
        }

        public byte[] receive(int timeoutMillis) throws IOException {
            socket.setSoTimeout(Math.max(1, timeoutMillis));
            try {
                byte[] head = new byte[4];
                in.readFully(head);
                int len = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
                int total = (head[0] & 0xC0) == 0x40 ? (4 + len + 3) & ~3 : 20 + len;
                byte[] frame = Arrays.copyOf(head, total);
                in.readFully(frame, 4, total - 4);
                return frame;
            } catch (SocketTimeoutException e) {
                return null;
            } catch (java.io.EOFException e) {
                eof = true;
                return null;
            }
        }

        public boolean closedByPeer() throws IOException {
            if (eof) {
                return true;
            }
            socket.setSoTimeout(200);
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        public boolean isTcp() {
            return true;
        }

        public InetSocketAddress local() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        public void close() throws IOException {
            socket.close();
        }
    }
}
