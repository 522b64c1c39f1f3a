package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.HostKind;
import dev.peerlink.testkit.netns.MatrixHost;
import dev.peerlink.testkit.netns.MatrixPair;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.TestBedExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's matrix on real NAT: every ordered pair of {open, firewalled, full cone, restricted cone, port-restricted
 * cone, symmetric} — the diagonal between two different hosts of a kind — plus seed 000's phone and firewalled PC on
 * one LAN. Each pair runs {@code peerlink connect} against {@code peerlink peer --echo} and pipes 10 MB through (10 MB
 * each way). Birthday punching (issue 5) between a symmetric NAT and a port-restricted cone or firewalled host, in
 * both directions; relay only where no direct path can exist (symmetric ↔ symmetric); a firewalled target is reached
 * by reverse connection.
 */
@Tag("system")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionMatrixOnTestBedTest {
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create().matrix();

    static final int SIZE = 10 * 1024 * 1024;
    /** Kinds that only let in the exact address:port they sent to; with a symmetric NAT opposite, no UDP path opens. */
    static final Set<HostKind> PORT_FILTERING = Set.of(HostKind.SYMMETRIC, HostKind.PORT_RESTRICTED_CONE, HostKind.FIREWALLED);

    @TempDir
    static Path dir;
    LadderBed lb;

    @BeforeAll
    void start() {
        NatTestBed bed = BED.bed();
        lb = new LadderBed(bed, dir);
        lb.startServer();
        for (MatrixHost h : bed.matrixHosts()) {
            if (HostKind.MATRIX.contains(h.kind())) {
                lb.startPeer(h.host(), id(h));
            }
        }
        lb.startPeer(bed.lanPhone(), "lan-phone");
        lb.startPeer(bed.lanPc(), "lan-pc");
    }

    @AfterAll
    void stop() {
        if (lb != null) {
            lb.close();
        }
    }

    static String id(MatrixHost h) {
        return h.kind().label() + "-" + h.index();
    }

    static boolean relayOnly(HostKind a, HostKind b) {
        return a == HostKind.SYMMETRIC && b == HostKind.SYMMETRIC;
    }

    /** Symmetric opposite an endpoint-independent mapping (or no NAT) that filters per port: birthday punching. */
    static boolean birthday(HostKind a, HostKind b) {
        return a == HostKind.SYMMETRIC && b != HostKind.SYMMETRIC && PORT_FILTERING.contains(b)
                || b == HostKind.SYMMETRIC && a != HostKind.SYMMETRIC && PORT_FILTERING.contains(a);
    }

    @Test
    void everyOrderedPairConnectsByTheBestPathAndEchoes10MegabytesIntact() throws Exception {
        NatTestBed bed = BED.bed();
        Path input = lb.payload(SIZE, 4);
        Map<String, LadderBed.Outcome> results = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (MatrixPair pair : bed.matrixPairs()) {
            MatrixHost from = pair.from();
            MatrixHost to = pair.to();
            LadderBed.Outcome o = lb.connect(from.host(), id(from) + "-to-" + id(to), id(to), input, Duration.ofSeconds(90));
            results.put(from.kind().label() + " -> " + to.kind().label(), o);
            check(problems, from.kind(), to.kind(), o);
        }
        LadderBed.Outcome phoneToPc = lb.connect(bed.lanPhone(), "lan-phone-c", "lan-pc", input, Duration.ofSeconds(90));
        LadderBed.Outcome pcToPhone = lb.connect(bed.lanPc(), "lan-pc-c", "lan-phone", input, Duration.ofSeconds(90));
        results.put("lan-phone -> lan-pc", phoneToPc);
        results.put("lan-pc -> lan-phone", pcToPhone);
        if (!phoneToPc.intact() || !"reverse".equals(phoneToPc.path())) {
            problems.add("lan-phone -> lan-pc (firewalled): expected reverse, got " + describe(phoneToPc));
        }
        if (!pcToPhone.intact() || "relay".equals(pcToPhone.path())) {
            problems.add("lan-pc -> lan-phone: expected a LAN path, got " + describe(pcToPhone));
        }
        print(results);
        assertThat(problems).as("matrix problems").isEmpty();
    }

    private static void check(List<String> problems, HostKind from, HostKind to, LadderBed.Outcome o) {
        String cell = from.label() + " -> " + to.label();
        if (!o.intact()) {
            problems.add(cell + ": transfer failed: " + describe(o));
            return;
        }
        if (relayOnly(from, to) != "relay".equals(o.path())) {
            problems.add(cell + ": path " + o.path() + (relayOnly(from, to) ? " (only a relay can work)" : " (a direct path exists)"));
        }
        if (birthday(from, to) && !"birthday".equals(o.path())) {
            problems.add(cell + ": expected birthday punching, got " + o.path());
        }
        if (to == HostKind.FIREWALLED && from == HostKind.OPEN && !"reverse".equals(o.path())) {
            problems.add(cell + ": a firewalled target must be reached by reverse from an open host, got " + o.path());
        }
    }

    private static String describe(LadderBed.Outcome o) {
        return "exit " + o.exit() + ", path " + o.path() + ", intact " + o.intact() + "\n" + o.output();
    }

    private static void print(Map<String, LadderBed.Outcome> results) {
        StringBuilder b = new StringBuilder("\nConnection matrix (initiator row -> target column: path/setup ms)\n");
        List<HostKind> kinds = HostKind.MATRIX;
        b.append(String.format("%-22s", ""));
        kinds.forEach(k -> b.append(String.format("%-22s", k.label())));
        b.append('\n');
        for (HostKind from : kinds) {
            b.append(String.format("%-22s", from.label()));
            for (HostKind to : kinds) {
                LadderBed.Outcome o = results.get(from.label() + " -> " + to.label());
                b.append(String.format("%-22s", o == null ? "-" : (o.intact() ? "" : "FAIL ") + o.path() + "/" + o.setupMs()));
            }
            b.append('\n');
        }
        results.forEach((k, o) -> {
            if (k.startsWith("lan-")) {
                b.append(k).append(": ").append(o.path()).append('/').append(o.setupMs()).append(" ms\n");
            }
        });
        Map<String, List<Long>> byPath = new TreeMap<>();
        results.values().stream().filter(LadderBed.Outcome::intact)
                .forEach(o -> byPath.computeIfAbsent(o.path(), p -> new ArrayList<>()).add(o.setupMs()));
        byPath.forEach((p, v) -> b.append(String.format("%-8s n=%-3d median %5d ms  p95 %5d ms%n", p, v.size(),
                LadderBed.percentile(v, 0.5), LadderBed.percentile(v, 0.95))));
        System.out.println(b);
    }
}
