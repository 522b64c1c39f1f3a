package dev.peerlink.protocol.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An HTTP proxy that knows only CONNECT (what WebSocket clients use), on loopback, recording each request line. */
final class TestConnectProxy implements AutoCloseable {
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

    TestConnectProxy() throws IOException {
        Thread.ofPlatform().daemon().name("test-proxy").start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Thread.ofPlatform().daemon().start(() -> tunnel(client));
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    int port() {
        return listener.getLocalPort();
    }

    private void tunnel(Socket client) {
        try (client) {
            String head = readHead(client.getInputStream());
            String line = head.lines().findFirst().orElse("");
            requests.add(line);
            String[] target = line.split(" ")[1].split(":");
            try (Socket server = new Socket(target[0], Integer.parseInt(target[1]))) {
                client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                Thread up = Thread.ofPlatform().daemon().start(() -> pipe(client, server));
                pipe(server, client);
                up.join();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the test sees the failure on the client side
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("eof in request head");
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
            to.shutdownOutput();
        } catch (IOException e) {
            // one side went away
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
