package dev.peerlink.bench;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import dev.peerlink.protocol.NetworkInfo.PortMapping;
import dev.peerlink.protocol.ProbePacket;
import dev.peerlink.server.monitor.MappingMonitor;
import dev.peerlink.server.monitor.MonitorConfig;
import dev.peerlink.server.monitor.MonitorStats;
import dev.peerlink.server.monitor.NetProber;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How many mappings one {@link MappingMonitor} keeps probing at a given interval, and the CPU it takes. N simulated
 * devices each report one UDP mapping whose external endpoint is a distinct loopback address {@code 127.a.b.c:P}; one
 * responder socket bound to {@code 0.0.0.0:P} reads every probe and acknowledges it straight to the monitor (as the
 * broker does after decoding a device's {@code probe-ack}; the WebSocket frame itself is not part of this figure). The
 * real {@link NetProber} sends the datagrams. Bounded: warm-up (the first round, paced by the probe budget), then one
 * measured window.
 *
 * <pre>java -cp ... dev.peerlink.bench.MappingMonitorBench [mappings=10000] [intervalSeconds=60] [measureSeconds=60]</pre>
 */
public final class MappingMonitorBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int intervalS = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int measureS = args.length > 2 ? Integer.parseInt(args[2]) : intervalS;
        MonitorConfig d = MonitorConfig.defaults();
        MonitorConfig config = new MonitorConfig(Duration.ofSeconds(intervalS), d.probeTimeout(), d.retries(),
                d.maxProbesPerSecond(), Math.max(d.maxMappings(), n), d.maxMappingsPerIp(), false, d.tick());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicReference<Thread> monitorThread = new AtomicReference<>();
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "monitor");
            t.setDaemon(true);
            monitorThread.set(t);
            return t;
        });
        DatagramChannel responder = DatagramChannel.open();
        responder.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 8 << 20); // it stands for N devices' sockets
        responder.bind(new InetSocketAddress("0.0.0.0", 0));
        int port = ((InetSocketAddress) responder.getLocalAddress()).getPort();
        Map<String, DeviceId> owner = new ConcurrentHashMap<>(); // nonce -> device, filled by the prober wrapper
        NetProber net = new NetProber(exec, config.probeTimeout(), 256);
        AtomicReference<MappingMonitor> ref = new AtomicReference<>();
        DeviceId[] devices = new DeviceId[n];
        Map<InetSocketAddress, DeviceId> byEndpoint = new ConcurrentHashMap<>();
        MappingMonitor monitor = new MappingMonitor(config, (tcp, to, nonce) -> {
            owner.put(Ed25519.b64(nonce), byEndpoint.get(to));
            net.probe(tcp, to, nonce);
        }, (dev, msg) -> true, System::currentTimeMillis);
        ref.set(monitor);
        long[] responderCpu = new long[1];
        Thread resp = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocate(64);
            byte[] a = new byte[64];
            try {
                while (true) {
                    b.clear();
                    responder.receive(b);
                    b.flip();
                    int len = b.remaining();
                    b.get(a, 0, len);
                    String nonce = ProbePacket.nonceOf(a, 0, len);
                    DeviceId dev = nonce == null ? null : owner.remove(nonce);
                    if (dev != null) {
                        monitor.ack(dev, nonce);
                    }
                }
            } catch (Exception e) {
                // closed
            }
        }, "responder");
        resp.setDaemon(true);
        resp.start();
        for (int i = 0; i < n; i++) {
            InetAddress ip = InetAddress.getByAddress(new byte[] {127, (byte) (1 + (i >> 16)), (byte) (i >> 8), (byte) i});
            devices[i] = DeviceId.of("dev-" + i);
            InetSocketAddress ext = new InetSocketAddress(ip, port);
            byEndpoint.put(ext, devices[i]);
            monitor.report(devices[i], ip, List.of(new PortMapping("udp", ext, new InetSocketAddress("192.168.1.2", port), 3600, "upnp")));
        }
        monitor.start(exec);
        long warm = (long) Math.ceil(n / (double) config.maxProbesPerSecond()) + 4;
        System.out.printf("mapping monitor bench: %d mappings, interval %d s, probe budget %d/s; warm-up %d s%n", n, intervalS,
                config.maxProbesPerSecond(), warm);
        Thread.sleep(warm * 1000);
        MonitorStats s0 = monitor.stats();
        long pid = ProcCpu.self();
        double proc0 = ProcCpu.seconds(pid);
        long mon0 = mx.getThreadCpuTime(monitorThread.get().threadId());
        long resp0 = mx.getThreadCpuTime(resp.threadId());
        long t0 = System.nanoTime();
        Thread.sleep(measureS * 1000L);
        double wall = (System.nanoTime() - t0) / 1e9;
        MonitorStats s1 = monitor.stats();
        double proc = ProcCpu.seconds(pid) - proc0;
        double mon = (mx.getThreadCpuTime(monitorThread.get().threadId()) - mon0) / 1e9;
        double rsp = (mx.getThreadCpuTime(resp.threadId()) - resp0) / 1e9;
        long probes = s1.probesSent() - s0.probesSent();
        long answered = s1.probesAnswered() - s0.probesAnswered();
        System.out.printf("window %.1f s: probes %d (%.0f/s), answered %d, failed rounds %d; healthy %d of %d%n", wall, probes,
                probes / wall, answered, s1.roundsFailed() - s0.roundsFailed(), s1.healthy(), s1.monitored());
        System.out.printf("CPU: monitor thread %.2f s (%.2f%% of one core), responder %.2f s, whole JVM %.2f s (%.2f%% of one core)%n",
                mon, 100 * mon / wall, rsp, proc, 100 * proc / wall);
        System.out.printf("per probe: monitor %.1f us%n", probes == 0 ? 0 : 1e6 * mon / probes);
        System.out.println(s1.line());
        monitor.close();
        net.close();
        responder.close();
        exec.shutdownNow();
    }
}
