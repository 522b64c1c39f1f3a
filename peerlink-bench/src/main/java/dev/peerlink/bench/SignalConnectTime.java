package dev.peerlink.bench;

import dev.peerlink.peer.DeviceIdentity;
import dev.peerlink.peer.SignallingClient;
import dev.peerlink.protocol.DeviceId;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Time from {@code SignallingClient.start()} to the {@code registered} answer: the first client of a fresh JVM (cold:
 * class loading, TLS/HTTP or Netty set-up) and then {@code warm} more, one after the other. Reference in the same run:
 * a bare TCP connect to the same port (the floor any WebSocket opening pays). Used by bench/signal-connect-bench.sh.
 *
 * <p>Arguments: {@code url warm}.
 */
public final class SignalConnectTime {
    private SignalConnectTime() {}

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int warm = Integer.parseInt(args[1]);
        String tag = Long.toString(ProcessHandle.current().pid(), 36);
        double cold = registerMs(url, "cold-" + tag);
        double[] warmMs = new double[warm];
        for (int i = 0; i < warm; i++) {
            warmMs[i] = registerMs(url, "warm-" + tag + "-" + i);
        }
        double[] tcpMs = new double[warm];
        for (int i = 0; i < warm; i++) {
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
            }
            tcpMs[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(warmMs);
        Arrays.sort(tcpMs);
        double p50 = warmMs[warm / 2];
        double tcp50 = tcpMs[warm / 2];
        System.out.printf("cold_ms=%.1f warm_p50_ms=%.2f warm_p90_ms=%.2f tcp_connect_p50_ms=%.3f warm_over_tcp=%.0fx n=%d%n",
                cold, p50, warmMs[(int) (warm * 0.9)], tcp50, p50 / tcp50, warm);
        System.exit(0); // a client library may keep non-daemon threads (the JDK HttpClient's selector) alive
    }

    private static double registerMs(URI url, String id) throws Exception {
        long t0 = System.nanoTime();
        try (SignallingClient c = SignallingClient.builder().server(url).identity(DeviceIdentity.ephemeral(DeviceId.of(id))).build()) {
            c.start().get(30, TimeUnit.SECONDS);
            return (System.nanoTime() - t0) / 1e6;
        }
    }
}
