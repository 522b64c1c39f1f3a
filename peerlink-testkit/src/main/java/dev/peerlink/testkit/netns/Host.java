package dev.peerlink.testkit.netns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A machine of the fake internet: one network namespace with one primary IPv4 address. */
public class Host {
    private final String name;
    private final Netns ns;
    private final InetAddress address;

    Host(String name, Netns ns, InetAddress address) {
        this.name = name;
        this.ns = ns;
        this.address = address;
    }

    /** Role name within the bed, e.g. {@code server} or {@code client-full-cone}. */
    public String name() {
        return name;
    }

    /** Name of the network namespace, for {@code ip netns exec <namespace> ...}. */
    public String namespace() {
        return ns.name();
    }

    /** Primary IPv4 address (for a NATed client: its private LAN address). */
    public InetAddress address() {
        return address;
    }

    /** Runs a command inside this host and waits for it to finish (killed after {@code timeout}). */
    public ExecResult exec(Duration timeout, String... command) {
        return Shell.run(timeout, ns.wrap(Arrays.asList(command)), null);
    }

    /** Starts a long-running command inside this host; close the result to kill it. */
    public HostProcess start(List<String> command) {
        return new HostProcess(name + ":" + (command.isEmpty() ? "" : command.get(0)), ns.wrap(command));
    }

    /** Convenience for {@link #start(List)}. */
    public HostProcess start(String... command) {
        return start(Arrays.asList(command));
    }

    /**
     * A command that runs {@code mainClass} from the current test classpath with the current JVM, for
     * {@link #start(List)}: lets tests run our own Java programs inside a host.
     */
    public List<String> javaCommand(String mainClass, String... args) {
        String javaBin = ProcessHandle.current().info().command()
                .orElse(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Client VM flags: these are short programs, so start-up time matters more than peak speed.
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    Netns netns() {
        return ns;
    }

    @Override
    public String toString() {
        return name + "[" + ns.name() + " " + address.getHostAddress() + "]";
    }
}
