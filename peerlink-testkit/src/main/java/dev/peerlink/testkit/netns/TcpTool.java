package dev.peerlink.testkit.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Tiny TCP program to run inside bed hosts, the TCP counterpart of {@link UdpTool}; prints one line per event.
 * <ul>
 *   <li>{@code listen <port> <bind-address>...}: one listening socket per address, prints {@code LISTENING} once
 *       all are bound, then {@code ACCEPTED <from> <to>} per connection and echoes every line it reads.</li>
 *   <li>{@code connect <timeout-ms> <address:port>...}: per target, connects (at most {@code timeout-ms}), sends
 *       one line and waits for its echo; prints {@code CONNECTED <target> FROM <local address:port> ECHO
 *       <yes|no>} or {@code FAILED <target> <exception class>} ({@code SocketTimeoutException}: the SYN was
 *       dropped; {@code ConnectException}: refused).</li>
 * </ul>
 */
public final class TcpTool {
    private TcpTool() {
    }

    public static void main(String[] args) throws IOException {
        switch (args.length == 0 ? "" : args[0]) {
            case "listen" -> listen(Integer.parseInt(args[1]), java.util.Arrays.copyOfRange(args, 2, args.length));
            case "connect" -> connect(Integer.parseInt(args[1]), java.util.Arrays.copyOfRange(args, 2, args.length));
            default -> {
                System.err.println("usage: listen <port> <bind>... | connect <timeout-ms> <addr:port>...");
                System.exit(2);
            }
        }
    }

    private static void listen(int port, String[] binds) throws IOException {
        java.util.List<ServerSocket> sockets = new java.util.ArrayList<>();
        for (String bind : binds) {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(bind), port));
            sockets.add(s);
        }
        for (ServerSocket s : sockets) {
            Thread.ofPlatform().start(() -> accept(s));
        }
        System.out.println("LISTENING " + sockets.stream().map(ServerSocket::getLocalSocketAddress).toList());
    }

    private static void accept(ServerSocket server) {
        try {
            while (true) {
                Socket c = server.accept();
                synchronized (System.out) {
                    System.out.println("ACCEPTED " + format(c.getRemoteSocketAddress()) + " "
                            + format(c.getLocalSocketAddress()));
                }
                Thread.ofVirtual().start(() -> echo(c));
            }
        } catch (IOException e) {
            System.err.println("listen on " + server.getLocalSocketAddress() + " failed: " + e);
            System.exit(1);
        }
    }

    private static void echo(Socket c) {
        try (c; BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            OutputStream out = c.getOutputStream();
            String line;
            while ((line = in.readLine()) != null) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException ignored) {
            // The peer went away; nothing to report.
        }
    }

    private static void connect(int timeoutMs, String[] targets) {
        for (String target : targets) {
            int colon = target.lastIndexOf(':');
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName(target.substring(0, colon)),
                        Integer.parseInt(target.substring(colon + 1))), timeoutMs);
                s.setSoTimeout(timeoutMs);
                String hello = "hello " + target;
                s.getOutputStream().write((hello + "\n").getBytes(StandardCharsets.UTF_8));
                String echoed;
                try {
                    echoed = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
                } catch (java.net.SocketTimeoutException e) {
                    echoed = null;
                }
                System.out.println("CONNECTED " + target + " FROM " + format(s.getLocalSocketAddress()) + " ECHO "
                        + (hello.equals(echoed) ? "yes" : "no"));
            } catch (IOException e) {
                System.out.println("FAILED " + target + " " + e.getClass().getSimpleName());
            }
        }
    }

    private static String format(java.net.SocketAddress a) {
        InetSocketAddress i = (InetSocketAddress) a;
        return i.getAddress().getHostAddress() + ":" + i.getPort();
    }
}
