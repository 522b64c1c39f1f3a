package dev.peerlink.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.testkit.netns.ExecResult;
import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reference in the ladder bench: one iperf3 run between two bed hosts, TCP or UDP ({@code -b 0 -l 1400 -w 4M}:
 * as fast as the sender can, 1400-byte datagrams like QUIC's; the rate reported is what arrived), one way or both ways
 * at once ({@code --bidir}).
 */
final class Iperf3 {
    static final int PORT = 5201;
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Proto { TCP, UDP }

    /**
     * What arrived: {@code bytes} delivered in {@code seconds} (both directions summed for bidir), CPU seconds of the
     * client and server processes (iperf3's own accounting), UDP loss in percent of the datagrams sent (NaN for TCP),
     * TCP retransmits.
     */
    record Result(String label, Proto proto, boolean bidir, double bytes, double seconds, double clientCpu,
                  double serverCpu, double lossPct, long retransmits) {
        double mbps() {
            return bytes / seconds / 1e6;
        }

        double clientCpuPerGb() {
            return clientCpu / (bytes / 1e9);
        }

        double serverCpuPerGb() {
            return serverCpu / (bytes / 1e9);
        }

        String line() {
            return String.format("iperf3 %-4s %-6s %-58s %5.2f s, %6.0f MB, %7.1f MB/s, CPU s/GB client %.2f server %.2f%s",
                    proto, bidir ? "2 ways" : "1 way", label, seconds, bytes / 1e6, mbps(), clientCpuPerGb(), serverCpuPerGb(),
                    proto == Proto.UDP ? String.format(", loss %.1f %%", lossPct) : ", retransmits " + retransmits);
        }
    }

    private Iperf3() {
    }

    /** iperf3 from {@code client} to {@code address} (served on {@code serverHost}) for {@code seconds}. */
    static Result run(String label, Host serverHost, Host client, String address, int seconds, Proto proto,
                      boolean bidir, boolean reverse) throws Exception {
        try (HostProcess s = serverHost.start("iperf3", "-s", "-1", "--forceflush", "-p", String.valueOf(PORT))) {
            s.awaitOutput(Pattern.compile("Server listening"), Duration.ofSeconds(10));
            List<String> cmd = new ArrayList<>(List.of("iperf3", "-c", address, "-p", String.valueOf(PORT), "-t",
                    String.valueOf(seconds), "-J"));
            if (proto == Proto.UDP) {
                // 4 MB socket buffers like a tuned QUIC endpoint's; iperf3's defaults drop most of a -b 0 flow
                cmd.addAll(List.of("-u", "-b", "0", "-l", "1400", "-w", "4M"));
            }
            if (bidir) {
                cmd.add("--bidir");
            } else if (reverse) {
                cmd.add("-R");
            }
            ExecResult r = client.exec(Duration.ofSeconds(seconds + 60L), cmd.toArray(String[]::new)).orThrow();
            return parse(label, proto, bidir, JSON.readTree(r.stdout()).path("end"), seconds);
        }
    }

    static Result parse(String label, Proto proto, boolean bidir, JsonNode end, int seconds) {
        JsonNode rx = end.path("sum_received");
        JsonNode back = end.path("sum_received_bidir_reverse");
        double bytes = rx.path("bytes").asDouble() + (bidir ? back.path("bytes").asDouble() : 0);
        double secs = rx.path("seconds").asDouble(seconds);
        JsonNode cpu = end.path("cpu_utilization_percent");
        double clientCpu = cpu.path("host_total").asDouble() / 100 * secs;
        double serverCpu = cpu.path("remote_total").asDouble() / 100 * secs;
        double loss = Double.NaN;
        if (proto == Proto.UDP) {
            double lost = rx.path("lost_packets").asDouble() + (bidir ? back.path("lost_packets").asDouble() : 0);
            double packets = rx.path("packets").asDouble() + (bidir ? back.path("packets").asDouble() : 0);
            loss = packets == 0 ? Double.NaN : 100 * lost / packets;
        }
        long retransmits = end.path("sum_sent").path("retransmits").asLong()
                + (bidir ? end.path("sum_sent_bidir_reverse").path("retransmits").asLong() : 0);
        return new Result(label, proto, bidir, bytes, secs, clientCpu, serverCpu, loss, retransmits);
    }
}
