package dev.peerlink.portmap.internal;

import dev.peerlink.portmap.MappingProtocol;
import dev.peerlink.portmap.PortMapException;
import dev.peerlink.portmap.PortMapException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately small HTTP/1.1 client for talking to gateways (device description GET, SOAP POST). It exists
 * because the gateway is untrusted: every request has a connect timeout, a per-read timeout <em>and</em> an overall
 * deadline (a gateway dripping one byte per second cannot keep us), and a cap on header and body size. Supports
 * Content-Length, chunked and read-until-close bodies; always sends {@code Connection: close}. Plain http only
 * (IGDs do not do TLS).
 */
public final class HttpLite {
    /** Limits of one request. */
    public record Limits(Duration connectTimeout, Duration deadline, int maxBodyBytes) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(2), Duration.ofSeconds(5), 64 * 1024);
    }

    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private HttpLite() {
    }

    public static Response get(URI uri, Limits limits) throws PortMapException {
        return request("GET", uri, Map.of(), null, limits);
    }

    public static Response post(URI uri, Map<String, String> headers, byte[] body, Limits limits) throws PortMapException {
        return request("POST", uri, headers, body, limits);
    }

    public static Response request(String method, URI uri, Map<String, String> headers, byte[] body, Limits limits)
            throws PortMapException {
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw fail(Kind.MALFORMED, "not an http URL: " + uri, null);
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        long end = System.nanoTime() + limits.deadline().toNanos();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port), (int) Math.min(limits.connectTimeout().toMillis(),
                    limits.deadline().toMillis()));
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            StringBuilder req = new StringBuilder().append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getHost()).append(':').append(port).append("\r\n")
                    .append("Connection: close\r\n")
                    .append("User-Agent: peerlink-portmap\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) {
                req.append("Content-Length: ").append(body.length).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            Reader in = new Reader(s, end);
            String status = in.line();
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw fail(Kind.MALFORMED, "bad status line from " + uri + ": " + abbreviate(status), null);
            }
            int code;
            try {
                code = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw fail(Kind.MALFORMED, "bad status code from " + uri + ": " + abbreviate(status), null);
            }
            Map<String, String> h = new LinkedHashMap<>();
            for (String line = in.line(); !line.isEmpty(); line = in.line()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    h.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            byte[] b;
            if ("HEAD".equals(method)) {
                b = new byte[0];
            } else if (h.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
                b = in.chunked(limits.maxBodyBytes());
            } else if (h.containsKey("content-length")) {
                long len;
                try {
                    len = Long.parseLong(h.get("content-length"));
                } catch (NumberFormatException e) {
                    throw fail(Kind.MALFORMED, "bad Content-Length from " + uri, null);
                }
                if (len < 0 || len > limits.maxBodyBytes()) {
                    throw fail(Kind.MALFORMED, "body of " + len + " bytes exceeds the " + limits.maxBodyBytes()
                            + "-byte limit (" + uri + ")", null);
                }
                b = in.exactly((int) len);
            } else {
                b = in.untilClose(limits.maxBodyBytes());
            }
            return new Response(code, h, b);
        } catch (PortMapException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            throw fail(Kind.TIMEOUT, "no complete answer from " + uri + " within " + limits.deadline().toMillis() + " ms", e);
        } catch (IOException e) {
            if (isLimit(e)) {
                throw fail(Kind.MALFORMED, e.getMessage() + " (" + uri + ")", e);
            }
            throw fail(Kind.UNAVAILABLE, "HTTP " + method + " " + uri + " failed: " + e, e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    static PortMapException fail(Kind kind, String message, Throwable cause) {
        return new PortMapException(kind, MappingProtocol.UPNP, null, message, cause);
    }

    /** Reads with the remaining overall deadline as the socket timeout before every read. */
    private static final class Reader {
        private final Socket socket;
        private final InputStream in;
        private final long end;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int lim;
        private int headerBytes;

        Reader(Socket socket, long end) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.end = end;
        }

        private boolean fill() throws IOException {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline");
            }
            socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
            int n = in.read(buf);
            if (n < 0) {
                return false;
            }
            pos = 0;
            lim = n;
            return true;
        }

        private int read() throws IOException {
            if (pos == lim && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int c = read();
                if (c < 0) {
                    throw new BadHttp("connection closed in the middle of the headers");
                }
                if (++headerBytes > MAX_HEADER_BYTES) {
                    throw new HeaderTooLarge();
                }
                if (c == '\n') {
                    break;
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        byte[] exactly(int n) throws IOException {
            byte[] out = new byte[n];
            int off = 0;
            while (off < n) {
                if (pos == lim && !fill()) {
                    throw new BadHttp("connection closed after " + off + " of " + n + " body bytes");
                }
                int k = Math.min(n - off, lim - pos);
                System.arraycopy(buf, pos, out, off, k);
                pos += k;
                off += k;
            }
            return out;
        }

        byte[] untilClose(int max) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (pos < lim || fill()) {
                int k = lim - pos;
                if (out.size() + k > max) {
                    throw new BodyTooLarge(max);
                }
                out.write(buf, pos, k);
                pos = lim;
            }
            return out.toByteArray();
        }

        byte[] chunked(int max) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line();
                int semi = sizeLine.indexOf(';');
                int size;
                try {
                    size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new BadHttp("bad chunk size: " + abbreviate(sizeLine));
                }
                if (size < 0 || out.size() + (long) size > max) {
                    throw new BodyTooLarge(max);
                }
                if (size == 0) {
                    return out.toByteArray();
                }
                out.write(exactly(size));
                line(); // CRLF after the chunk
            }
        }
    }

    private static final class BadHttp extends IOException {
        BadHttp(String message) {
            super(message);
        }
    }

    private static final class BodyTooLarge extends IOException {
        BodyTooLarge(int max) {
            super("body exceeds the " + max + "-byte limit");
        }
    }

    private static final class HeaderTooLarge extends IOException {
        HeaderTooLarge() {
            super("headers exceed " + MAX_HEADER_BYTES + " bytes");
        }
    }

    /** Maps the size-limit failures, which surface as IOExceptions inside the reader, to MALFORMED. */
    static boolean isLimit(Throwable t) {
        return t instanceof BodyTooLarge || t instanceof HeaderTooLarge || t instanceof BadHttp;
    }
}
