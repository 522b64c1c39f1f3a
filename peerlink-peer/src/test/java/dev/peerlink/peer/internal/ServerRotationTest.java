package dev.peerlink.peer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.peer.ServerResolver;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Server candidates: DNS names expanded to one candidate per record (a fake resolver), shuffled rounds, moves. */
class ServerRotationTest {
    static final URI NAME = URI.create("wss://signal.example:7443/v1/signal");
    static final URI LITERAL = URI.create("ws://192.0.2.7:7000/v1/signal");
    static final URI V6 = URI.create("ws://[2001:db8::1]:7000/v1/signal");

    final AtomicInteger lookups = new AtomicInteger();
    final Map<String, List<InetAddress>> dns = Map.of("signal.example",
            List.of(addr("198.51.100.1"), addr("198.51.100.2"), addr("2001:db8::2")));
    final ServerResolver fake = host -> {
        lookups.incrementAndGet();
        List<InetAddress> a = dns.get(host);
        if (a == null) {
            throw new UnknownHostException(host);
        }
        return a;
    };

    static InetAddress addr(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no DNS
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aNameWithSeveralRecordsIsOneCandidatePerRecordKeepingTheNameInTheUrl() {
        List<ServerRotation.Candidate> c = new ServerRotation(List.of(NAME), fake, new Random(1)).expand();
        assertThat(c).extracting(ServerRotation.Candidate::uri).containsOnly(NAME);
        assertThat(c).extracting(ServerRotation.Candidate::address)
                .containsExactly(addr("198.51.100.1"), addr("198.51.100.2"), addr("2001:db8::2"));
        assertThat(c.get(0).toString()).isEqualTo(NAME + " (198.51.100.1)");
    }

    @Test
    void literalsAreNotLookedUpAndUnresolvableNamesStayForTheDialerToReport() {
        URI unknown = URI.create("ws://nowhere.example:7000/v1/signal");
        List<ServerRotation.Candidate> c = new ServerRotation(List.of(LITERAL, V6, unknown, NAME), fake, new Random(1)).expand();
        assertThat(c).hasSize(6);
        assertThat(c.subList(0, 3)).containsExactly(new ServerRotation.Candidate(LITERAL, null),
                new ServerRotation.Candidate(V6, null), new ServerRotation.Candidate(unknown, null));
        assertThat(lookups.get()).as("only the two names").isEqualTo(2);
    }

    @Test
    void aRoundVisitsEveryCandidateOnceInSeededRandomOrder() {
        ServerRotation r = new ServerRotation(List.of(LITERAL, NAME), fake, new Random(3));
        r.install(r.expand());
        List<ServerRotation.Candidate> seen = new ArrayList<>();
        while (!r.exhausted()) {
            seen.add(r.next());
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(r.expand());
        ServerRotation same = new ServerRotation(List.of(LITERAL, NAME), fake, new Random(3));
        same.install(same.expand());
        for (ServerRotation.Candidate c : seen) {
            assertThat(same.next()).as("same seed, same order").isEqualTo(c);
        }
    }

    @Test
    void devicesSpreadOverTheServersRatherThanAllPickingTheFirst() {
        Set<ServerRotation.Candidate> firsts = new HashSet<>();
        Random seeds = new Random(11);
        for (int device = 0; device < 50; device++) {
            ServerRotation r = new ServerRotation(List.of(NAME), fake, new Random(seeds.nextLong()));
            r.install(r.expand());
            firsts.add(r.next());
        }
        assertThat(firsts).as("50 devices start at every one of the 3 records").hasSize(3);
    }

    @Test
    void afterALossTheLostServerComesLastAndNamesAreResolvedAgain() {
        for (long seed = 0; seed < 20; seed++) {
            ServerRotation r = new ServerRotation(List.of(LITERAL, NAME), fake, new Random(seed));
            r.install(r.expand());
            ServerRotation.Candidate first = r.next();
            r.registered();
            assertThat(r.exhausted()).as("a registration ends the round").isTrue();
            int before = lookups.get();
            r.install(r.expand()); // what the client does on the loss
            assertThat(lookups.get()).isEqualTo(before + 1);
            List<ServerRotation.Candidate> order = new ArrayList<>();
            while (!r.exhausted()) {
                order.add(r.next());
            }
            assertThat(order).hasSize(4);
            assertThat(order.get(3)).as("seed " + seed).isEqualTo(first);
        }
    }

    @Test
    void aSingleServerIsRetriedItself() {
        ServerRotation r = new ServerRotation(List.of(LITERAL), fake, new Random(1));
        r.install(r.expand());
        assertThat(r.next().uri()).isEqualTo(LITERAL);
        assertThat(r.exhausted()).isTrue();
        r.install(r.expand());
        assertThat(r.next().uri()).isEqualTo(LITERAL);
    }
}
