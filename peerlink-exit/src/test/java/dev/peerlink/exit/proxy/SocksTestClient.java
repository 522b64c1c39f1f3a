package dev.peerlink.exit.proxy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A hand-written SOCKS5 client for tests: just enough of RFC 1928 to drive the proxy byte by byte. */
final class SocksTestClient {
    /** A command reply: REP and the bound address. */
    record Reply(int rep, String address, int port) {}

    private SocksTestClient() {}

    static Socket open(InetSocketAddress proxy) throws IOException {
        return open(proxy, 0);
    }

    /** @param receiveBuffer the client's socket receive buffer (small makes a slow reader felt at once), 0: default */
    static Socket open(InetSocketAddress proxy, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(proxy, 2000);
        s.setSoTimeout(5000);
        return s;
    }

    /** Greeting offering no authentication; returns the selected method. */
    static int greet(Socket s) throws IOException {
        s.getOutputStream().write(new byte[] {5, 1, 0});
        byte[] r = new DataInputStream(s.getInputStream()).readNBytes(2);
        if (r.length < 2 || r[0] != 5) {
            throw new IOException("no SOCKS5 method selection");
        }
        return r[1] & 0xff;
    }

    /** A command with a DOMAIN address. */
    static byte[] request(int cmd, String host, int port) {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[7 + name.length];
        b[0] = 5;
        b[1] = (byte) cmd;
        b[3] = 3;
        b[4] = (byte) name.length;
        System.arraycopy(name, 0, b, 5, name.length);
        b[5 + name.length] = (byte) (port >> 8);
        b[6 + name.length] = (byte) port;
        return b;
    }

    /** A command with an IPv4 address. */
    static byte[] requestIpv4(int cmd, byte[] ip, int port) {
        return new byte[] {5, (byte) cmd, 0, 1, ip[0], ip[1], ip[2], ip[3], (byte) (port >> 8), (byte) port};
    }

    static Reply readReply(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int ver = d.readUnsignedByte();
        int rep = d.readUnsignedByte();
        d.readUnsignedByte();
        int atyp = d.readUnsignedByte();
        if (ver != 5) {
            throw new IOException("reply version " + ver);
        }
        String addr = switch (atyp) {
            case 1 -> InetAddress.getByAddress(d.readNBytes(4)).getHostAddress();
            case 4 -> InetAddress.getByAddress(d.readNBytes(16)).getHostAddress();
            case 3 -> new String(d.readNBytes(d.readUnsignedByte()), StandardCharsets.US_ASCII);
            default -> throw new IOException("reply address type " + atyp);
        };
        return new Reply(rep, addr, d.readUnsignedShort());
    }

    /** CONNECT through the proxy to {@code host:port}; the socket is a tunnel when the reply is 0. */
    static Socket connect(InetSocketAddress proxy, String host, int port) throws IOException {
        return connect(proxy, host, port, 0);
    }

    static Socket connect(InetSocketAddress proxy, String host, int port, int receiveBuffer) throws IOException {
        Socket s = open(proxy, receiveBuffer);
        greet(s);
        OutputStream out = s.getOutputStream();
        out.write(request(1, host, port));
        Reply r = readReply(s.getInputStream());
        if (r.rep() != 0) {
            s.close();
            throw new IOException("SOCKS5 reply " + r.rep());
        }
        return s;
    }

    /** Reads until EOF (or the socket's timeout, which fails). */
    static byte[] readToEnd(Socket s) throws IOException {
        return s.getInputStream().readAllBytes();
    }
}
