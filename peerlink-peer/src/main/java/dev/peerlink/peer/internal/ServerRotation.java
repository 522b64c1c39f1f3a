package dev.peerlink.peer.internal;

import dev.peerlink.peer.ServerResolver;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.random.RandomGenerator;

/**
 * The order a signalling client tries its servers in. Each server is one candidate per address its host name resolves
 * to (a DNS name with three A records is three servers; the name stays in the URI for TLS and the Host header).
 *
 * <p>A round is every candidate in random order: the servers of a list (or the records of a name) are identical
 * instances of one service, so each device picking at random spreads devices evenly over them, where "first that
 * answers" would put every device on the first one. The candidate a device just lost goes to the end of the next
 * round, so a move tries every other server before the one that failed. A new round (names resolved again, so records
 * added or removed since are seen) starts when a round is used up and after every successful registration: the next
 * loss re-resolves. Not thread-safe: the client's scheduler thread owns it; only {@link #expand} may run elsewhere.
 */
public final class ServerRotation {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** One server to dial: its URL, and the address to dial it at (null: an IP literal, or a name left to the dialer). */
    public record Candidate(URI uri, InetAddress address) {
        @Override
        public String toString() {
            return address == null || IPV4.matcher(uri.getHost()).matches() ? uri.toString()
                    : uri + " (" + address.getHostAddress() + ")";
        }
    }

    private final List<URI> servers;
    private final ServerResolver resolver;
    private final RandomGenerator random;
    private List<Candidate> round = List.of();
    private int next;
    private Candidate current;

    public ServerRotation(List<URI> servers, ServerResolver resolver, RandomGenerator random) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server");
        }
        this.servers = List.copyOf(servers);
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.random = Objects.requireNonNull(random, "random");
    }

    public List<URI> servers() {
        return servers;
    }

    /**
     * Every candidate of every server, in list order; may block on DNS, so callers run it off the scheduler thread. A
     * name that does not resolve stays one candidate without an address: dialling it reports the failure.
     */
    public List<Candidate> expand() {
        List<Candidate> out = new ArrayList<>();
        for (URI uri : servers) {
            String host = uri.getHost();
            if (host.startsWith("[") || IPV4.matcher(host).matches()) {
                out.add(new Candidate(uri, null));
                continue;
            }
            try {
                List<InetAddress> addresses = resolver.resolve(host);
                if (addresses.isEmpty()) {
                    out.add(new Candidate(uri, null));
                }
                for (InetAddress a : new java.util.LinkedHashSet<>(addresses)) {
                    out.add(new Candidate(uri, a));
                }
            } catch (UnknownHostException | RuntimeException e) {
                out.add(new Candidate(uri, null));
            }
        }
        return out;
    }

    /** Whether a new round must be {@linkplain #install installed} before {@link #next}. */
    public boolean exhausted() {
        return next >= round.size();
    }

    /** Starts a round with {@code candidates} shuffled, the current (just lost or failed) candidate last. */
    public void install(List<Candidate> candidates) {
        List<Candidate> order = new ArrayList<>(candidates);
        Collections.shuffle(order, random);
        if (current != null && order.size() > 1 && order.remove(current)) {
            order.add(current);
        }
        round = List.copyOf(order);
        next = 0;
    }

    public Candidate next() {
        current = round.get(next++);
        return current;
    }

    /** The candidate last handed out by {@link #next}, or null. */
    public Candidate current() {
        return current;
    }

    /** Registered at the current candidate: the next loss starts a new round (names resolved again). */
    public void registered() {
        next = round.size();
    }
}
