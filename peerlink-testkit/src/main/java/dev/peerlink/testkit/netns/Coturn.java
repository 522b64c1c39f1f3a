package dev.peerlink.testkit.netns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * coturn as an independent reference: an RFC 5780 STUN server ({@code turnserver}) and the behaviour discovery
 * client ({@code turnutils_natdiscovery}) with a parser for its verdicts, so our own discovery can be compared
 * against a third-party implementation.
 */
public final class Coturn {
    /** Default STUN port and the RFC 5780 alternate port coturn answers CHANGE-REQUEST(port) from. */
    public static final int STUN_PORT = 3478;
    public static final int ALT_STUN_PORT = 3479;
    private static final AtomicInteger SEQ = new AtomicInteger();

    /** RFC 4787 mapping behaviour, as turnutils_natdiscovery reports it. */
    public enum Mapping { NO_NAT, ENDPOINT_INDEPENDENT, ADDRESS_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT }

    /** RFC 4787 filtering behaviour, as turnutils_natdiscovery reports it. */
    public enum Filtering { ENDPOINT_INDEPENDENT, ADDRESS_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT }

    /** Verdict of one discovery run, with the tool's full output for failure messages. */
    public record Discovery<T>(Optional<T> verdict, ExecResult result) {
        public String output() {
            return result.stdout() + result.stderr();
        }
    }

    private Coturn() {
    }

    /** Why coturn tests cannot run, or empty when both tools are installed. */
    public static Optional<String> availability() {
        for (String tool : List.of("turnserver", "turnutils_natdiscovery")) {
            if (Tools.find(tool).isEmpty()) {
                return Optional.of("'" + tool + "' not found (install the coturn package)");
            }
        }
        return Optional.empty();
    }

    /** Starts an RFC 5780 STUN server on the bed's server host (both of its addresses). */
    public static HostProcess startStunServer(ServerHost server) {
        return startStunServer(server, server.primaryAddress(), server.alternateAddress());
    }

    /**
     * Starts {@code turnserver} as a STUN-only RFC 5780 server on {@code primary} and {@code alternate}
     * (ports 3478 and 3479 each) and returns once it has bound its sockets. No auth, TLS, CLI or config file;
     * it logs to stdout and keeps its pid file in /tmp so concurrent servers do not fight over /var/run.
     */
    public static HostProcess startStunServer(Host host, InetAddress primary, InetAddress alternate) {
        String pidFile = "/tmp/" + BedNames.PREFIX + ProcessHandle.current().pid() + "-turnserver-"
                + SEQ.incrementAndGet() + ".pid";
        List<String> cmd = new ArrayList<>(List.of(Tools.require("turnserver"),
                "-n",                       // no configuration file
                "--stun-only", "--no-auth",
                "--listening-ip", primary.getHostAddress(),
                "--listening-ip", alternate.getHostAddress(),
                "--listening-port", String.valueOf(STUN_PORT),
                "--alt-listening-port", String.valueOf(ALT_STUN_PORT),
                "--no-tls", "--no-dtls", "--no-cli",
                "--relay-threads", "1",
                "--log-file", "stdout", "--simple-log",
                "--pidfile", pidFile,
                "--verbose"));
        HostProcess p = host.start(cmd);
        try {
            awaitUdpBound(host, primary, STUN_PORT);
            awaitUdpBound(host, alternate, ALT_STUN_PORT);
        } catch (RuntimeException e) {
            p.close();
            throw new IllegalStateException(e.getMessage() + "\n" + p.describeOutput(), e);
        }
        return p;
    }

    /** Polls {@code ss} until a UDP socket is bound to address:port inside the host (turnserver logs no "ready"). */
    static void awaitUdpBound(Host host, InetAddress address, int port) {
        String needle = address.getHostAddress() + ":" + port;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            ExecResult ss = host.exec(Duration.ofSeconds(5), Tools.require("ss"), "-Hlun");
            if (ss.stdout().lines().anyMatch(l -> l.contains(needle))) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // poll interval
        }
        throw new IllegalStateException("no UDP socket bound to " + needle + " in " + host.name());
    }

    /** Runs {@code turnutils_natdiscovery -m} (mapping behaviour) from {@code client} against {@code server}. */
    public static Discovery<Mapping> discoverMapping(Host client, InetAddress server) {
        ExecResult r = natdiscovery(client, "-m", server);
        return new Discovery<>(parseMapping(r.stdout()), r);
    }

    /** Runs {@code turnutils_natdiscovery -f} (filtering behaviour) from {@code client} against {@code server}. */
    public static Discovery<Filtering> discoverFiltering(Host client, InetAddress server) {
        ExecResult r = natdiscovery(client, "-f", server);
        return new Discovery<>(parseFiltering(r.stdout()), r);
    }

    private static ExecResult natdiscovery(Host client, String mode, InetAddress server) {
        return client.exec(Duration.ofSeconds(60), Tools.require("turnutils_natdiscovery"), mode,
                "-p", String.valueOf(STUN_PORT), server.getHostAddress());
    }

    private static final Pattern NO_NAT = Pattern.compile("No NAT! \\(Endpoint Independent Mapping\\)");

    /** Parses the verdict line of {@code turnutils_natdiscovery -m}, e.g. "NAT with Endpoint Independent Mapping!". */
    public static Optional<Mapping> parseMapping(String output) {
        if (NO_NAT.matcher(output).find()) {
            return Optional.of(Mapping.NO_NAT);
        }
        return verdict(output, "Mapping").map(Mapping::valueOf);
    }

    /** Parses the verdict line of {@code turnutils_natdiscovery -f}, e.g. "NAT with Address Dependent Filtering!". */
    public static Optional<Filtering> parseFiltering(String output) {
        return verdict(output, "Filtering").map(Filtering::valueOf);
    }

    private static Optional<String> verdict(String output, String kind) {
        var m = Pattern.compile("NAT with (Endpoint Independent|Address Dependent|Address and Port Dependent) "
                + kind + "!").matcher(output);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return Optional.ofNullable(last).map(s -> s.toUpperCase().replace(' ', '_'));
    }
}
