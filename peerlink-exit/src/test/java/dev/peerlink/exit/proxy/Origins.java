package dev.peerlink.exit.proxy;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The destinations the tests reach through the proxy, all on loopback: an HTTP server (JDK) serving a small body, a
 * 5 MB seeded-random body and a request-body digest; a TCP echo server that half-closes after the client's EOF; a
 * UDP echo server.
 */
final class Origins implements AutoCloseable {
    static final byte[] SMALL = "hello through the exit\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BIG = seeded(5 * 1024 * 1024, 20260910L);

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpServer http;
    private final ServerSocket echo;
    private final DatagramSocket udpEcho;
    volatile Headers lastRequestHeaders;

    Origins() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        http = HttpServer.create(new InetSocketAddress(lo, 0), 64);
        http.setExecutor(threads);
        http.createContext("/small", ex -> reply(ex, SMALL));
        http.createContext("/big", ex -> reply(ex, BIG));
        http.createContext("/digest", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            reply(ex, (sha256(body) + " " + body.length).getBytes(StandardCharsets.US_ASCII));
        });
        http.start();
        echo = new ServerSocket(0, 64, lo);
        threads.submit(this::acceptEcho);
        udpEcho = new DatagramSocket(new InetSocketAddress(lo, 0));
        threads.submit(this::udpEchoLoop);
    }

    int httpPort() {
        return http.getAddress().getPort();
    }

    InetSocketAddress echoAddress() {
        return (InetSocketAddress) echo.getLocalSocketAddress();
    }

    InetSocketAddress udpEchoAddress() {
        return (InetSocketAddress) udpEcho.getLocalSocketAddress();
    }

    private void reply(HttpExchange ex, byte[] body) throws IOException {
        lastRequestHeaders = ex.getRequestHeaders();
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private void acceptEcho() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                threads.submit(() -> echoOne(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echoOne(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            OutputStream out = s.getOutputStream();
            in.transferTo(out);
            s.shutdownOutput(); // the client's EOF is echoed as ours
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private void udpEchoLoop() {
        byte[] buf = new byte[65535];
        while (!udpEcho.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udpEcho.receive(p);
                udpEcho.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength(), p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    static byte[] seeded(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        echo.close();
        udpEcho.close();
        threads.shutdownNow();
    }
}
