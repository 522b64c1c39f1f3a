package dev.peerlink.it;

import dev.peerlink.peer.internal.birthday.BirthdayEasySide;
import dev.peerlink.peer.internal.birthday.BirthdayHardSide;
import dev.peerlink.peer.internal.birthday.BirthdayParams;
import dev.peerlink.peer.internal.birthday.PredictSide;
import dev.peerlink.protocol.Endpoints;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One side of the raw birthday mechanism (no QUIC, no ladder) inside a bed host, driven line by line on stdin by
 * {@link BirthdayBenchOnTestBedTest} so that hundreds of trials run in one JVM:
 *
 * <pre>
 * easy-map ID STUN                                  -> MAPPED ID ip:port        (fresh socket, STUN mapping)
 * easy-probe ID HARDIP M RATE LOW HIGH PRED|-       -> RESULT ID hit|miss MS SENT PORT
 * hard-open ID N EASY PUBLICIP LOW HIGH DELTA STUN  -> READY ID PRED|- BASE     (DELTA 0: no prediction)
 * hard-await ID [WAITMS]                            -> HARD ID hit PORT | HARD ID miss
 * pair-open ID N CONTROLLING                        -> OPENED ID               (two-sided: N sockets, PredictSide)
 * pair-start ID PEERIP MYIP LOW HIGH ROUNDS IVALMS  -> STARTED ID              (socket i -> one random peer port)
 * pair-await ID                                     -> PAIR ID hit|miss MS SENT PORT
 * </pre>
 */
public final class BirthdayBenchMain {
    private BirthdayBenchMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, BirthdayEasySide> easy = new HashMap<>();
        Map<String, BirthdayHardSide> hard = new HashMap<>();
        Map<String, PredictSide> pairs = new HashMap<>();
        Map<String, long[]> pairTimes = new HashMap<>();
        Random random = new Random(Long.getLong("seed", System.nanoTime()));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("BENCH-READY");
        String line;
        while ((line = in.readLine()) != null) {
            String[] a = line.trim().split(" ");
            try {
                switch (a[0]) {
                    case "easy-map" -> {
                        BirthdayEasySide e = BirthdayEasySide.open(a[1]);
                        easy.put(a[1], e);
                        var m = e.stunMapped(Endpoints.parse(a[2]), Duration.ofSeconds(2));
                        System.out.println("MAPPED " + a[1] + " " + m.map(Endpoints::format).orElse("-"));
                    }
                    case "easy-probe" -> {
                        BirthdayEasySide e = easy.remove(a[1]);
                        BirthdayParams p = new BirthdayParams(1, Integer.parseInt(a[3]), Integer.parseInt(a[5]),
                                Integer.parseInt(a[6]), Integer.parseInt(a[4]), 3);
                        long t0 = System.nanoTime();
                        e.startProbing(InetAddress.getByName(a[2]), ports(a[7]), p, random, false);
                        String out;
                        try {
                            BirthdayEasySide.Contact c = e.contact().get(p.maxDuration().toMillis() + 5000, TimeUnit.MILLISECONDS);
                            out = "hit " + (System.nanoTime() - t0) / 1_000_000 + " " + e.probesSent() + " " + c.port();
                        } catch (Exception x) {
                            out = "miss " + (System.nanoTime() - t0) / 1_000_000 + " " + e.probesSent() + " 0";
                        }
                        e.close();
                        System.out.println("RESULT " + a[1] + " " + out);
                    }
                    case "hard-open" -> {
                        BirthdayParams p = new BirthdayParams(Integer.parseInt(a[2]), 1, Integer.parseInt(a[5]),
                                Integer.parseInt(a[6]), 1000, 3);
                        int delta = Integer.parseInt(a[7]);
                        List<Integer> pred = new ArrayList<>();
                        int base = 0;
                        if (delta != 0) {
                            var m = BirthdayHardSide.currentMapping(Endpoints.parse(a[8]), Duration.ofSeconds(2));
                            if (m.isPresent()) {
                                base = m.get().getPort();
                                pred = BirthdayHardSide.predictedPorts(base, delta, p.sockets() + 16, p);
                            }
                        }
                        BirthdayHardSide h = BirthdayHardSide.open(p, a[1], Endpoints.parse(a[3]), InetAddress.getByName(a[4]));
                        hard.put(a[1], h);
                        h.start(Duration.ofSeconds(30));
                        System.out.println("READY " + a[1] + " " + (pred.isEmpty() ? "-"
                                : pred.stream().map(String::valueOf).collect(Collectors.joining(","))) + " " + base);
                    }
                    case "hard-await" -> {
                        BirthdayHardSide h = hard.remove(a[1]);
                        String out;
                        try {
                            out = "hit " + h.hit().get(a.length > 2 ? Long.parseLong(a[2]) : 3000, TimeUnit.MILLISECONDS).externalPort();
                        } catch (Exception x) {
                            out = "miss";
                        }
                        h.close();
                        System.out.println("HARD " + a[1] + " " + out);
                    }
                    case "pair-open" -> {
                        pairs.put(a[1], PredictSide.open(a[1], Boolean.parseBoolean(a[3]), new int[Integer.parseInt(a[2])]));
                        System.out.println("OPENED " + a[1]);
                    }
                    case "pair-start" -> {
                        PredictSide ps = pairs.get(a[1]);
                        int low = Integer.parseInt(a[4]);
                        int high = Integer.parseInt(a[5]);
                        int rounds = Integer.parseInt(a[6]);
                        long ivalMs = Long.parseLong(a[7]);
                        List<Integer> targets = new ArrayList<>();
                        for (int i = 0; i < ps.openSockets(); i++) {
                            targets.add(low + random.nextInt(high - low + 1));
                        }
                        long life = rounds * ivalMs + 300;
                        pairTimes.put(a[1], new long[] {System.nanoTime(), life});
                        ps.start(InetAddress.getByName(a[2]), InetAddress.getByName(a[3]), targets, rounds,
                                Duration.ofMillis(ivalMs), 3, Duration.ofMillis(life));
                        System.out.println("STARTED " + a[1]);
                    }
                    case "pair-await" -> {
                        PredictSide ps = pairs.remove(a[1]);
                        long[] t = pairTimes.remove(a[1]);
                        String out;
                        try {
                            PredictSide.Pick pk = ps.pick().get(t[1] + 2000, TimeUnit.MILLISECONDS);
                            out = "hit " + (System.nanoTime() - t[0]) / 1_000_000 + " " + ps.probesSent() + " " + pk.externalPort();
                            ps.handOff().close();
                        } catch (Exception x) {
                            out = "miss " + (System.nanoTime() - t[0]) / 1_000_000 + " " + ps.probesSent() + " -";
                        }
                        ps.close();
                        System.out.println("PAIR " + a[1] + " " + out);
                    }
                    default -> System.out.println("ERROR unknown command " + a[0]);
                }
            } catch (Exception e) {
                System.out.println("ERROR " + (a.length > 1 ? a[1] : "") + " " + e);
            }
        }
    }

    private static List<Integer> ports(String csv) {
        if (csv.equals("-")) {
            return List.of();
        }
        return Arrays.stream(csv.split(",")).map(Integer::valueOf).toList();
    }

}
