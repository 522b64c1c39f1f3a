package dev.peerlink.protocol.internal;

import dev.peerlink.protocol.HttpProxy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A blocking HTTP CONNECT tunnel (RFC 9110 §9.3.6) for code that talks over a plain {@link Socket} (the TURN client's
 * TCP/TLS link): connects to the proxy, asks for {@code host:port}, and returns the socket positioned after the
 * proxy's answer — TLS, if any, then runs end to end through it.
 */
public final class ConnectTunnel {
    /** The proxy's answer header; a longer one is not a proxy we understand. */
    private static final int MAX_HEADER = 8192;

    private ConnectTunnel() {}

    public static Socket open(HttpProxy proxy, String host, int port, Duration timeout) throws IOException {
        int millis = (int) Math.min(Math.max(1, timeout.toMillis()), Integer.MAX_VALUE);
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(proxy.address(), millis);
            s.setSoTimeout(millis);
            String authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
            StringBuilder req = new StringBuilder("CONNECT ").append(authority).append(" HTTP/1.1\r\nHost: ")
                    .append(authority).append("\r\n");
            if (proxy.hasCredentials()) {
                String basic = Base64.getEncoder().encodeToString(
                        (proxy.username() + ":" + proxy.password()).getBytes(StandardCharsets.UTF_8));
                req.append("Proxy-Authorization: Basic ").append(basic).append("\r\n");
            }
            s.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String status = readHeader(s.getInputStream()).lines().findFirst().orElse("");
            // "HTTP/1.x 200 ..."; any 2xx opens the tunnel
            if (!status.matches("HTTP/1\\.[01] 2\\d\\d.*")) {
                throw new IOException("proxy " + proxy + " refused CONNECT " + authority + ": " + status);
            }
            s.setSoTimeout(0);
            return s;
        } catch (IOException e) {
            s.close();
            throw e instanceof java.net.SocketTimeoutException
                    ? new IOException("proxy " + proxy + " did not open a tunnel to " + host + ":" + port + " in " + millis + " ms", e)
                    : e;
        }
    }

    /** Reads up to the blank line, byte by byte: nothing of the tunnelled stream may be consumed. */
    private static String readHeader(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (b.length() < MAX_HEADER) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the proxy closed the connection during CONNECT");
            }
            b.append((char) c);
            int n = b.length();
            if (n >= 4 && b.charAt(n - 4) == '\r' && b.charAt(n - 3) == '\n' && b.charAt(n - 2) == '\r' && b.charAt(n - 1) == '\n') {
                return b.toString();
            }
        }
        throw new IOException("the proxy's answer header exceeds " + MAX_HEADER + " bytes");
    }
}
