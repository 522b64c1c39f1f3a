package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Coturn;
import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.Miniupnpd;
import dev.peerlink.testkit.netns.MiniupnpdConfig;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.TestBedExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6 benchmark: time to map per protocol against miniupnpd on the bed's port-restricted router, from a client
 * behind it ({@link MapTimeBenchMain}, {@code peerlink.bench.n} runs per protocol, default 15): median and p90 of
 * cold (new mapper: discovery + map) and warm (second mapping on the same mapper). Tagged {@code bench}.
 */
@Tag("bench")
class MapTimeBenchOnTestBedTest {
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.withCoturn();

    static final int N = Integer.getInteger("peerlink.bench.n", 15);
    static final Pattern RUN = Pattern.compile("^RUN \\S+ cold ([0-9.]+) warm ([0-9.]+) via (\\S+)");

    @Test
    void timeToMapPerProtocol() {
        Optional<String> why = Miniupnpd.availability();
        if (why.isPresent()) {
            Assumptions.abort(why.get());
        }
        var bed = BED.bed();
        try (HostProcess stun = Coturn.startStunServer(bed.server());
             Miniupnpd mini = bed.router(NatType.PORT_RESTRICTED_CONE).startMiniupnpd(MiniupnpdConfig.defaults(bed.server()))) {
            Host client = bed.client(NatType.PORT_RESTRICTED_CONE);
            StringBuilder report = new StringBuilder("time to map against miniupnpd (" + N + " runs each, ms):\n");
            int port = 20000;
            for (String proto : List.of("pcp", "natpmp", "upnp", "auto")) {
                try (HostProcess p = client.start(client.javaCommand(MapTimeBenchMain.class.getName(), proto,
                        String.valueOf(N), String.valueOf(port)))) {
                    assertThat(p.awaitExit(Duration.ofMinutes(3))).as(p.describeOutput()).isZero();
                    List<Double> cold = new ArrayList<>(), warm = new ArrayList<>();
                    String via = null;
                    for (String l : p.stdoutLines()) {
                        Matcher m = RUN.matcher(l);
                        if (m.find()) {
                            cold.add(Double.parseDouble(m.group(1)));
                            warm.add(Double.parseDouble(m.group(2)));
                            via = m.group(3);
                        }
                    }
                    assertThat(cold).as(p.describeOutput()).hasSize(N);
                    report.append(String.format("  %-6s (via %-6s) cold median %6.1f p90 %6.1f | warm median %6.1f p90 %6.1f%n",
                            proto, via, pct(cold, 0.5), pct(cold, 0.9), pct(warm, 0.5), pct(warm, 0.9)));
                }
                port += 2 * (N + 2);
            }
            System.out.print(report);
        }
    }

    static double pct(List<Double> v, double p) {
        List<Double> s = v.stream().sorted().toList();
        return s.get((int) Math.min(s.size() - 1, Math.ceil(p * s.size()) - 1));
    }
}
