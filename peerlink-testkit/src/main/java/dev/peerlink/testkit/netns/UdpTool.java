package dev.peerlink.testkit.netns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * Tiny UDP program to run inside bed hosts ({@code host.start(host.javaCommand(UdpTool.class.getName(), ...))}).
 * Prints one line per event so tests can await lines instead of sleeping.
 * <ul>
 *   <li>{@code echo <port> <bind-address>...}: one socket per address (so replies leave from the address the
 *       request went to, as NAT filtering requires), prints {@code LISTENING} once all are bound, then
 *       {@code RX <from> <to> <payload>} per datagram and echoes it back.</li>
 *   <li>{@code punch <local-port> <address:port>}: binds the local port, sends {@code punch} to the target
 *       (creating a NAT mapping), prints {@code LISTENING}, then behaves like {@code echo} on that socket.
 *       Neither mode echoes a {@code punch} datagram.</li>
 *   <li>{@code send <address> <port> <count> <tag>}: sends {@code <tag> <i>} datagrams paced 200 µs apart,
 *       prints {@code SENT <count>}.</li>
 *   <li>{@code probe <timeout-ms> <count> <address:port>...}: per target, {@code count} request/response rounds;
 *       prints {@code REPLIES <address:port> <answered>/<count> FROM <reply source>}.</li>
 *   <li>{@code fresh <timeout-ms> <count> <address:port>}: {@code count} new sockets one after another, each
 *       asking an {@code echo} server who it is ({@code whoami}, up to 3 tries) and kept open until the end so
 *       every mapping stays alive; prints {@code MAPPED <local-port> <public address:port>} per socket (or
 *       {@code MAPPED <local-port> -} without an answer), then {@code DONE}.</li>
 * </ul>
 * The echo servers answer a {@code whoami <nonce>} datagram with {@code whoami <nonce> <sender address:port>}, so a
 * NATed client learns its public mapping without STUN.
 */
public final class UdpTool {
    private static final String PUNCH = "punch";
    private static final String WHOAMI = "whoami ";

    private UdpTool() {
    }

    public static void main(String[] args) throws IOException {
        switch (args.length == 0 ? "" : args[0]) {
            case "echo" -> echo(Integer.parseInt(args[1]), java.util.Arrays.copyOfRange(args, 2, args.length));
            case "punch" -> punch(Integer.parseInt(args[1]), target(args[2]));
            case "send" -> send(InetAddress.getByName(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    args[4]);
            case "probe" -> probe(Integer.parseInt(args[1]), Integer.parseInt(args[2]), args);
            case "fresh" -> fresh(Integer.parseInt(args[1]), Integer.parseInt(args[2]), target(args[3]));
            default -> {
                System.err.println("usage: echo <port> <bind>... | punch <local-port> <addr:port> | send <addr> <port> <count> <tag>"
                        + " | probe <timeout-ms> <count> <addr:port>... | fresh <timeout-ms> <count> <addr:port>");
                System.exit(2);
            }
        }
    }

    private static void echo(int port, String[] binds) throws IOException {
        java.util.List<DatagramSocket> sockets = new java.util.ArrayList<>();
        for (String bind : binds) {
            sockets.add(new DatagramSocket(new InetSocketAddress(InetAddress.getByName(bind), port)));
        }
        for (DatagramSocket s : sockets) {
            Thread.ofPlatform().start(() -> serve(s));
        }
        System.out.println("LISTENING " + sockets.stream().map(DatagramSocket::getLocalSocketAddress).toList());
    }

    private static void punch(int localPort, InetSocketAddress target) throws IOException {
        DatagramSocket s = new DatagramSocket(localPort);
        byte[] b = PUNCH.getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(b, b.length, target));
        System.out.println("LISTENING " + s.getLocalSocketAddress());
        serve(s);
    }

    private static InetSocketAddress target(String addressAndPort) throws IOException {
        int colon = addressAndPort.lastIndexOf(':');
        return new InetSocketAddress(InetAddress.getByName(addressAndPort.substring(0, colon)),
                Integer.parseInt(addressAndPort.substring(colon + 1)));
    }

    private static void serve(DatagramSocket s) {
        byte[] buf = new byte[2048];
        String local = s.getLocalAddress().getHostAddress() + ":" + s.getLocalPort();
        try {
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                String payload = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                synchronized (System.out) {
                    System.out.println("RX " + format(p) + " " + local + " " + payload);
                }
                if (payload.startsWith(WHOAMI)) {
                    byte[] answer = (payload + " " + format(p)).getBytes(StandardCharsets.UTF_8);
                    s.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                } else if (!payload.equals(PUNCH)) { // a punch is one-way: echoing it would ping-pong between two echoes
                    s.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                }
            }
        } catch (IOException e) {
            System.err.println("echo on " + local + " failed: " + e);
            System.exit(1);
        }
    }

    private static void send(InetAddress to, int port, int count, String tag) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            for (int i = 0; i < count; i++) {
                byte[] b = (tag + " " + i).getBytes(StandardCharsets.UTF_8);
                s.send(new DatagramPacket(b, b.length, to, port));
                LockSupport.parkNanos(200_000); // pacing, so no socket buffer on the way overflows
            }
            System.out.println("SENT " + count);
        }
    }

    private static void probe(int timeoutMs, int count, String[] args) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(timeoutMs);
            for (int t = 3; t < args.length; t++) {
                String target = args[t];
                InetSocketAddress to = target(target);
                int answered = 0;
                String from = "-";
                for (int i = 0; i < count; i++) {
                    String nonce = "probe " + t + " " + i;
                    byte[] b = nonce.getBytes(StandardCharsets.UTF_8);
                    s.send(new DatagramPacket(b, b.length, to));
                    if (awaitReply(s, nonce)) {
                        answered++;
                        from = lastFrom;
                    }
                }
                System.out.println("REPLIES " + target + " " + answered + "/" + count + " FROM " + from);
            }
        }
    }

    private static void fresh(int timeoutMs, int count, InetSocketAddress to) throws IOException {
        java.util.List<DatagramSocket> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                DatagramSocket s = new DatagramSocket();
                open.add(s);
                s.setSoTimeout(timeoutMs);
                String nonce = WHOAMI + i;
                String mapped = "-";
                for (int attempt = 0; attempt < 3 && mapped.equals("-"); attempt++) {
                    byte[] b = nonce.getBytes(StandardCharsets.UTF_8);
                    s.send(new DatagramPacket(b, b.length, to));
                    mapped = awaitWhoami(s, nonce);
                }
                System.out.println("MAPPED " + s.getLocalPort() + " " + mapped);
            }
            System.out.println("DONE");
        } finally {
            open.forEach(DatagramSocket::close);
        }
    }

    /** The public address:port in the answer to {@code nonce}, or "-" after the socket timeout. */
    private static String awaitWhoami(DatagramSocket s, String nonce) throws IOException {
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return "-";
            }
            String answer = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (answer.startsWith(nonce + " ")) {
                return answer.substring(nonce.length() + 1);
            }
        }
    }

    private static String lastFrom;

    /** Reads until the echo of {@code nonce} arrives (skipping late echoes of earlier rounds) or the timeout. */
    private static boolean awaitReply(DatagramSocket s, String nonce) throws IOException {
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return false;
            }
            if (new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8).equals(nonce)) {
                lastFrom = format(p);
                return true;
            }
        }
    }

    private static String format(DatagramPacket p) {
        return p.getAddress().getHostAddress() + ":" + p.getPort();
    }
}
