package dev.peerlink.testkit.netns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers shared by the system tests: run {@link UdpTool} inside hosts. */
final class BedFixtures {
    static final Duration JVM_START = Duration.ofSeconds(30);
    static final Pattern REPLIES = Pattern.compile("^REPLIES (\\S+) (\\d+)/(\\d+) FROM (\\S+)$");

    private BedFixtures() {
    }

    /** Starts a UDP echo server in {@code host} on its primary address (and the server's alternate) once bound. */
    static HostProcess echo(Host host, int port) {
        List<String> args = new ArrayList<>(List.of("echo", String.valueOf(port), host.address().getHostAddress()));
        if (host instanceof ServerHost server) {
            args.add(server.alternateAddress().getHostAddress());
        }
        HostProcess p = host.start(host.javaCommand(UdpTool.class.getName(), args.toArray(String[]::new)));
        p.awaitOutput(Pattern.compile("^LISTENING"), JVM_START);
        return p;
    }

    record Probe(String target, int answered, int sent, String from) {
    }

    /** Probes each {@code address:port} target from {@code host}; returns one result per target. */
    static List<Probe> probe(Host host, int count, Duration perReplyTimeout, String... targets) {
        List<String> args = new ArrayList<>(List.of("probe", String.valueOf(perReplyTimeout.toMillis()),
                String.valueOf(count)));
        args.addAll(List.of(targets));
        try (HostProcess p = host.start(host.javaCommand(UdpTool.class.getName(), args.toArray(String[]::new)))) {
            int exit = p.awaitExit(JVM_START.plus(perReplyTimeout.multipliedBy((long) count * targets.length)));
            if (exit != 0) {
                throw new IllegalStateException("probe failed (exit " + exit + ")\n" + p.describeOutput());
            }
            List<Probe> result = new ArrayList<>();
            for (String line : p.stdoutLines()) {
                Matcher m = REPLIES.matcher(line);
                if (m.matches()) {
                    result.add(new Probe(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                            m.group(4)));
                }
            }
            return result;
        }
    }

    static final Pattern MAPPED = Pattern.compile("^MAPPED (\\d+) (\\S+)$");

    /** One fresh socket's public mapping as the echo server saw it; {@code publicEndpoint} is "-" without an answer. */
    record Mapped(int localPort, String publicEndpoint) {
        boolean answered() {
            return !publicEndpoint.equals("-");
        }

        String publicAddress() {
            return publicEndpoint.substring(0, publicEndpoint.lastIndexOf(':'));
        }

        int publicPort() {
            return Integer.parseInt(publicEndpoint.substring(publicEndpoint.lastIndexOf(':') + 1));
        }
    }

    /**
     * {@code count} new sockets in {@code host}, one after another, each asking the {@link #echo} server at
     * {@code target} for its public mapping ({@code UdpTool fresh}); one result per socket, in creation order.
     */
    static List<Mapped> fresh(Host host, int count, Duration perReplyTimeout, String target) {
        try (HostProcess p = host.start(host.javaCommand(UdpTool.class.getName(), "fresh",
                String.valueOf(perReplyTimeout.toMillis()), String.valueOf(count), target))) {
            int exit = p.awaitExit(JVM_START.plus(perReplyTimeout.multipliedBy(3L * count)));
            if (exit != 0) {
                throw new IllegalStateException("fresh failed (exit " + exit + ")\n" + p.describeOutput());
            }
            List<Mapped> result = new ArrayList<>();
            for (String line : p.stdoutLines()) {
                Matcher m = MAPPED.matcher(line);
                if (m.matches()) {
                    result.add(new Mapped(Integer.parseInt(m.group(1)), m.group(2)));
                }
            }
            return result;
        }
    }

    /** Differences between consecutive public ports. */
    static List<Integer> deltas(List<Mapped> mappings) {
        List<Integer> d = new ArrayList<>();
        for (int i = 1; i < mappings.size(); i++) {
            d.add(mappings.get(i).publicPort() - mappings.get(i - 1).publicPort());
        }
        return d;
    }

    /** Starts a {@link TcpTool} listener in {@code host} on its primary address; returns once it is bound. */
    static HostProcess tcpListen(Host host, int port) {
        HostProcess p = host.start(host.javaCommand(TcpTool.class.getName(), "listen", String.valueOf(port),
                host.address().getHostAddress()));
        p.awaitOutput(Pattern.compile("^LISTENING"), JVM_START);
        return p;
    }

    static final Pattern TCP_RESULT = Pattern.compile("^(CONNECTED|FAILED) (\\S+) (.*)$");

    /** One {@code TcpTool connect} result: {@code detail} is "FROM a:p ECHO yes" or the exception class. */
    record TcpResult(String target, boolean connected, String detail) {
        boolean echoed() {
            return connected && detail.endsWith(" ECHO yes");
        }

        /** The local address:port of a connected socket, as the connecting host saw it. */
        String from() {
            return detail.split(" ")[1];
        }
    }

    /** Connects from {@code host} to each {@code address:port} target in turn (one JVM); one result per target. */
    static List<TcpResult> tcpConnect(Host host, Duration timeout, String... targets) {
        List<String> args = new ArrayList<>(List.of("connect", String.valueOf(timeout.toMillis())));
        args.addAll(List.of(targets));
        try (HostProcess p = host.start(host.javaCommand(TcpTool.class.getName(), args.toArray(String[]::new)))) {
            int exit = p.awaitExit(JVM_START.plus(timeout.multipliedBy(2L * targets.length)));
            if (exit != 0) {
                throw new IllegalStateException("tcp connect failed (exit " + exit + ")\n" + p.describeOutput());
            }
            List<TcpResult> result = new ArrayList<>();
            for (String line : p.stdoutLines()) {
                Matcher m = TCP_RESULT.matcher(line);
                if (m.matches()) {
                    result.add(new TcpResult(m.group(2), m.group(1).equals("CONNECTED"), m.group(3)));
                }
            }
            return result;
        }
    }

    static String target(InetAddress address, int port) {
        return address.getHostAddress() + ":" + port;
    }
}
