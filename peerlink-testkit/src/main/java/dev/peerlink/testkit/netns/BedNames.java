package dev.peerlink.testkit.netns;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Namespace names of one bed: {@code pl-<pid>-<seq>-<role>}. The pid makes beds of concurrent JVMs distinct and
 * lets a later run recognise namespaces whose owner died; the sequence number separates beds of one JVM.
 * Interface names need no such prefix: every interface is created directly inside a bed namespace, never in the
 * root namespace, so short fixed names ({@code eth0}, {@code wan0}) cannot collide between runs.
 */
final class BedNames {
    static final String PREFIX = "pl-";
    private static final Pattern OWNED = Pattern.compile("^" + PREFIX + "(\\d+)-(\\d+)-");
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final String base;

    BedNames() {
        this.base = PREFIX + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet() + "-";
    }

    String namespace(String role) {
        return base + role;
    }

    boolean owns(String namespace) {
        return namespace.startsWith(base);
    }

    /** True if {@code namespace} belongs to a bed whose JVM is no longer running. */
    static boolean isStale(String namespace) {
        Matcher m = OWNED.matcher(namespace);
        if (!m.find()) {
            return false;
        }
        long pid = Long.parseLong(m.group(1));
        return ProcessHandle.of(pid).map(ph -> !ph.isAlive()).orElse(true);
    }
}
