package dev.peerlink.bench;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.turn.TurnAttributes;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.attribute.ChannelNumber;
import dev.peerlink.turn.attribute.RequestedTransport;
import dev.peerlink.turn.attribute.XorPeerAddress;
import dev.peerlink.turn.attribute.XorRelayedAddress;
import dev.peerlink.turn.client.internal.LongTermAuth;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Open-loop TURN relay load (a benchmark, not a test). For each target server: F client sockets
 * allocate over UDP and bind a channel to one peer socket; then, for each payload size, traffic is
 * offered at a rate (relayed packets/s, both directions together: clients send ChannelData to the
 * server at half of it, the peer sends plain datagrams to the relayed addresses at the other half)
 * and stepped up until loss reaches 1 %, then bisected, so each target's knee (highest rate with
 * &lt; 1 % loss) is found under the same load.
 *
 * <p>Cheap per packet so the generator is not what limits: one epoll event loop, sends as UDP GSO
 * batches (one sendmsg carries up to 64 datagrams, zero-copy slices of a prebuilt template),
 * receives with recvmmsg. Every payload carries a step marker, so loss counts exactly the packets
 * sent in the measured window. Per window: the server's CPU (/proc/PID/stat), the generator's,
 * everything else's (/proc/stat minus both: CONTENDED when above 10 % of a core), and drops at the
 * generator's own sockets (/proc/net/udp), which would mean the generator, not the server, lost them.
 *
 * <pre>
 * TurnLoadGenerator [--flows 8] [--sizes 100,1200] [--start 20000] [--max 2000000] [--factor 1.5]
 *                   [--bisect 2] [--warmup 0.7] [--duration 2.5] [--rates r1,r2,...]
 *                   label=127.0.0.1:port:pid ...
 * </pre>
 */
public final class TurnLoadGenerator {
    private static final int CHANNEL = 0x4000;
    private static final double LOSS_LIMIT = 1.0; // percent
    private static final long DRAIN_MS = 300;
    private static final long TICK_MICROS = 500;

    record Target(String label, InetSocketAddress address, long pid) {}

    record Step(Target target, int size, long offered, double seconds, long sent, long received, long sentUp,
                long receivedUp, double serverCpu, double generatorCpu, double otherCpu, double cpu0Busy,
                long generatorDrops, long serverDrops) {
        double sentRate() { return sent / seconds; }
        double relayedRate() { return received / seconds; }
        double mbit() { return relayedRate() * size * 8 / 1e6; }
        double loss() { return sent == 0 ? 100 : 100.0 * (sent - received) / sent; }
        double lossUp() { return sentUp == 0 ? 100 : 100.0 * (sentUp - receivedUp) / sentUp; }
        double lossDown() {
            long s = sent - sentUp;
            return s == 0 ? 100 : 100.0 * (s - (received - receivedUp)) / s;
        }
        double cpuPerGbit() { return serverCpu / (mbit() / 1000 * seconds); }
        double cpuPerMillion() { return serverCpu / (received / 1e6); }
        boolean generatorLimited() { return sentRate() < 0.97 * offered; }
        boolean contended() { return otherCpu > 0.1 * seconds; }
        boolean ok() { return loss() < LOSS_LIMIT && !generatorLimited(); }

        String flags() {
            String f = "";
            if (generatorLimited()) f += " GEN-LIMITED";
            if (generatorDrops > 0) f += " GEN-DROPS=" + generatorDrops;
            if (serverDrops > 0) f += " SERVER-SOCKET-DROPS=" + serverDrops;
            if (contended()) f += " CONTENDED";
            return f;
        }

        String row() {
            return String.format(Locale.ROOT, "%s\t%d\t%d\t%.0f\t%.0f\t%.1f\t%.3f\t%.3f\t%.3f\t%.0f\t%.2f\t%.2f\t%.0f\t%.2f%s",
                    target.label, size, offered, sentRate(), relayedRate(), mbit(), loss(), lossUp(), lossDown(),
                    100 * serverCpu / seconds, cpuPerGbit(), cpuPerMillion(),
                    100 * generatorCpu / seconds, otherCpu, flags());
        }
    }

    static final String HEADER = "label\tbytes\toffered_pps\tsent_pps\trelayed_pps\trelayed_Mbit_s\tloss_%\tloss_up_%"
            + "\tloss_down_%\tserver_cpu_%\tserver_cpu_s_per_Gbit\tserver_cpu_s_per_Mpkt\tgen_cpu_%\tother_cpu_s\tflags";

    private TurnLoadGenerator() {}

    public static void main(String[] args) throws Exception {
        int flows = 8;
        List<Integer> sizes = List.of(100, 1200);
        long start = 20_000;
        long max = 2_000_000;
        double factor = 1.5;
        int bisect = 2;
        double warmup = 0.7;
        double duration = 2.5;
        List<Long> fixedRates = null;
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--flows" -> flows = Integer.parseInt(args[++i]);
                case "--sizes" -> sizes = java.util.Arrays.stream(args[++i].split(",")).map(String::trim).map(Integer::valueOf).toList();
                case "--start" -> start = Long.parseLong(args[++i]);
                case "--max" -> max = Long.parseLong(args[++i]);
                case "--factor" -> factor = Double.parseDouble(args[++i]);
                case "--bisect" -> bisect = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--duration" -> duration = Double.parseDouble(args[++i]);
                case "--rates" -> fixedRates = java.util.Arrays.stream(args[++i].split(",")).map(String::trim).map(Long::valueOf).toList();
                default -> targets.add(parseTarget(args[i]));
            }
        }
        if (targets.isEmpty() || duration <= 0 || duration > 30 || factor <= 1 || sizes.stream().anyMatch(s -> s < 8 || s > 1400)) {
            System.err.println("usage: TurnLoadGenerator [--flows n] [--sizes 100,1200] [--start pps] [--max pps] [--factor f]"
                    + " [--bisect n] [--warmup s] [--duration s<=30] [--rates r,...] label=127.0.0.1:port:pid ...");
            System.exit(2);
        }
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("the generator needs epoll (Linux)", Epoll.unavailabilityCause());
        }
        System.out.printf(Locale.ROOT, "generator: epoll, %d client flows + 1 peer socket, sends as UDP GSO batches, receives with"
                        + " recvmmsg; per step %.1f s warm-up + %.1f s measured + %d ms drain; knee = highest offered rate with < %.0f%% loss%n",
                flows, warmup, duration, DRAIN_MS, LOSS_LIMIT);
        List<Step> all = new ArrayList<>();
        List<Step> knees = new ArrayList<>();
        for (Target t : targets) {
            try (Session s = new Session(t, flows)) {
                System.out.printf(Locale.ROOT, "== %s: %d allocations, channel 0x%04X each to peer %s%n", t.label, flows, CHANNEL, s.peerAddress);
                for (int size : sizes) {
                    List<Step> steps = new ArrayList<>();
                    if (fixedRates != null) {
                        for (long r : fixedRates) {
                            steps.add(s.step(r, size, warmup, duration));
                            System.out.println(steps.getLast().row());
                        }
                    } else {
                        search(s, size, start, max, factor, bisect, warmup, duration, steps);
                    }
                    all.addAll(steps);
                    Step knee = steps.stream().filter(Step::ok).max(java.util.Comparator.comparingLong(Step::offered)).orElse(null);
                    if (knee != null) {
                        knees.add(knee);
                    }
                }
            }
        }
        System.out.println();
        System.out.println("== all steps");
        System.out.println(HEADER);
        all.forEach(st -> System.out.println(st.row()));
        System.out.println();
        System.out.println("== knees (highest offered rate with < 1% loss)");
        System.out.println(HEADER);
        knees.forEach(st -> System.out.println("KNEE\t" + st.row()));
        System.out.println();
        Target base = targets.getFirst();
        for (int size : sizes) {
            Step mine = knee(knees, base, size);
            for (Target t : targets.subList(1, targets.size())) {
                Step other = knee(knees, t, size);
                if (mine == null || other == null) {
                    continue;
                }
                System.out.printf(Locale.ROOT, "RATIO\t%d B\t%s/%s\tknee %.0f / %.0f relayed pps = %.2f\tCPU s per Mpkt %.2f / %.2f\t"
                                + "CPU s per Gbit %.2f / %.2f%s%n", size, base.label, t.label, mine.relayedRate(), other.relayedRate(),
                        mine.relayedRate() / other.relayedRate(), mine.cpuPerMillion(), other.cpuPerMillion(),
                        mine.cpuPerGbit(), other.cpuPerGbit(),
                        mine.contended() || other.contended() ? "\tWARNING: a knee window was contended" : "");
            }
        }
    }

    private static Step knee(List<Step> knees, Target t, int size) {
        return knees.stream().filter(k -> k.target == t && k.size == size).findFirst().orElse(null);
    }

    /** Geometric steps up to the first rate with >= 1 % loss, then {@code bisect} halvings of the gap. */
    private static void search(Session s, int size, long start, long max, double factor, int bisect, double warmup,
                               double duration, List<Step> out) throws Exception {
        long good = 0;
        long bad = 0;
        for (long r = start; r <= max; r = Math.round(r * factor)) {
            Step st = s.step(r, size, warmup, duration);
            out.add(st);
            System.out.println(st.row());
            if (st.generatorLimited()) {
                System.out.println("   generator could not send the offered rate: stopping here");
                return;
            }
            if (!st.ok()) {
                bad = r;
                break;
            }
            good = r;
        }
        if (bad == 0) {
            return;
        }
        for (int i = 0; i < bisect; i++) {
            long mid = (good + bad) / 2;
            if (good == 0) {
                mid = bad / 2;
            }
            Step st = s.step(mid, size, warmup, duration);
            out.add(st);
            System.out.println(st.row());
            if (st.ok()) {
                good = mid;
            } else {
                bad = mid;
            }
        }
    }

    private static Target parseTarget(String s) throws Exception {
        int eq = s.indexOf('=');
        String[] p = s.substring(eq + 1).split(":");
        if (eq < 1 || p.length != 3) {
            throw new IllegalArgumentException("target is label=host:port:pid, got " + s);
        }
        InetAddress host = InetAddress.getByName(p[0]);
        if (!host.isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing non-loopback target " + host);
        }
        return new Target(s.substring(0, eq), new InetSocketAddress(host, Integer.parseInt(p[1])), Long.parseLong(p[2]));
    }

    /** Allocations on one server plus the peer socket; all data-path state lives on one event loop. */
    static final class Session implements AutoCloseable {
        final Target target;
        final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        final EventLoop loop = group.next();
        final List<Channel> clients = new ArrayList<>();
        final List<BlockingQueue<StunMessage>> replies = new ArrayList<>();
        final List<InetSocketAddress> relayed = new ArrayList<>();
        final Set<Integer> localPorts = new HashSet<>();
        Channel peer;
        InetSocketAddress peerAddress;
        // loop-confined
        int marker = -1;
        long rxUp; // at the peer (client -> relay -> peer)
        long rxDown; // at the clients (peer -> relay -> client)
        int stepNo;

        Session(Target target, int flows) throws Exception {
            this.target = target;
            try {
                InetAddress lo = target.address.getAddress();
                peer = bootstrap(new PeerReader()).bind(new InetSocketAddress(lo, 0)).sync().channel();
                peerAddress = (InetSocketAddress) peer.localAddress();
                localPorts.add(peerAddress.getPort());
                for (int i = 0; i < flows; i++) {
                    BlockingQueue<StunMessage> q = new ArrayBlockingQueue<>(16);
                    Channel ch = bootstrap(new ClientReader(q)).connect(target.address, new InetSocketAddress(lo, 0)).sync().channel();
                    clients.add(ch);
                    replies.add(q);
                    localPorts.add(((InetSocketAddress) ch.localAddress()).getPort());
                }
                for (int i = 0; i < flows; i++) {
                    LongTermAuth auth = new LongTermAuth(TurnCredentials.of("bench", "bench"));
                    StunMessage r = transact(i, auth, StunMethod.ALLOCATE, b -> b.add(new RequestedTransport(RequestedTransport.UDP)));
                    relayed.add(r.attribute(XorRelayedAddress.class).orElseThrow().address());
                    transact(i, auth, StunMethod.CHANNEL_BIND, b -> b.add(new ChannelNumber(CHANNEL)).add(new XorPeerAddress(peerAddress)));
                }
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        private Bootstrap bootstrap(ChannelInboundHandlerAdapter handler) {
            // IPv4 sockets (a dual-stack one pays for the IPv6 path per datagram); pooled buffers (the
            // default adaptive allocator would allocate and zero a fresh batch-sized buffer per read).
            SocketProtocolFamily family = target.address.getAddress() instanceof java.net.Inet4Address
                    ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
            return new Bootstrap().group(group).channelFactory(() -> new EpollDatagramChannel(family)).handler(handler)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .option(ChannelOption.SO_RCVBUF, 4 << 20).option(ChannelOption.SO_SNDBUF, 4 << 20)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 2048)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048 * 64).maxMessagesPerRead(64));
        }

        private StunMessage transact(int flow, LongTermAuth auth, StunMethod method,
                                     java.util.function.Consumer<StunMessage.Builder> attrs) throws Exception {
            for (int attempt = 0; attempt < 6; attempt++) {
                StunMessage.Builder b = StunMessage.request(method);
                attrs.accept(b);
                boolean credentialed = auth.ready();
                MessageProtection p = auth.apply(b);
                StunMessage req = b.build();
                replies.get(flow).clear();
                clients.get(flow).writeAndFlush(Unpooled.wrappedBuffer(StunEncoder.standard().encode(req, p))).sync();
                StunMessage r;
                do {
                    r = replies.get(flow).poll(1, TimeUnit.SECONDS);
                } while (r != null && !r.transactionId().equals(req.transactionId()));
                if (r == null) {
                    continue; // lost on loopback under a busy machine: retransmit
                }
                if (r.messageClass() == StunClass.SUCCESS_RESPONSE) {
                    return r;
                }
                int code = r.attribute(ErrorCode.class).map(ErrorCode::code).orElse(0);
                if ((code == 401 && !credentialed || code == 438) && auth.learn(r)) {
                    continue;
                }
                throw new IOException(target.label + ": " + method + " failed with " + code);
            }
            throw new IOException(target.label + ": " + method + ": no answer");
        }

        /** The server's listening port and its relayed ports for our allocations. */
        Set<Integer> serverPorts() {
            Set<Integer> p = new HashSet<>();
            p.add(target.address.getPort());
            relayed.forEach(r -> p.add(r.getPort()));
            return p;
        }

        /** One offered rate for warm-up + duration; returns the measured window. */
        Step step(long offered, int size, double warmup, double duration) throws Exception {
            int n = ++stepNo;
            int warmMarker = (2 * n) & 0xFF;
            int measureMarker = (2 * n + 1) & 0xFF;
            Templates warm = new Templates(size, warmMarker);
            Templates meas = new Templates(size, measureMarker);
            Pacer pacer = new Pacer(offered / 2.0, warm);
            loop.submit(() -> {
                marker = measureMarker;
                rxUp = 0;
                rxDown = 0;
            }).sync();
            ScheduledFuture<?> tick = loop.scheduleAtFixedRate(pacer::tick, 0, TICK_MICROS, TimeUnit.MICROSECONDS);
            try {
                Thread.sleep((long) (warmup * 1000));
                long[] s0 = loop.submit(() -> {
                    pacer.switchTo(meas);
                    return new long[] {System.nanoTime()};
                }).get();
                double server0 = ProcCpu.seconds(target.pid);
                double self0 = ProcCpu.seconds(ProcCpu.self());
                double machine0 = ProcCpu.machineBusy();
                double cpu00 = cpuBusy(0);
                long drops0 = socketDrops(localPorts);
                long sdrops0 = socketDrops(serverPorts());
                Thread.sleep((long) (duration * 1000));
                long[] s1 = loop.submit(() -> {
                    pacer.stop();
                    return new long[] {System.nanoTime(), pacer.sentUp, pacer.sentDown};
                }).get();
                double server1 = ProcCpu.seconds(target.pid);
                double self1 = ProcCpu.seconds(ProcCpu.self());
                double machine1 = ProcCpu.machineBusy();
                double cpu01 = cpuBusy(0);
                Thread.sleep(DRAIN_MS);
                long[] r = loop.submit(() -> new long[] {rxUp, rxDown}).get();
                long drops1 = socketDrops(localPorts);
                long sdrops1 = socketDrops(serverPorts());
                double seconds = (s1[0] - s0[0]) / 1e9;
                return new Step(target, size, offered, seconds, s1[1] + s1[2], r[0] + r[1], s1[1], r[0],
                        server1 - server0, self1 - self0,
                        Math.max(0, (machine1 - machine0) - (server1 - server0) - (self1 - self0)), cpu01 - cpu00,
                        drops1 - drops0, sdrops1 - sdrops0);
            } finally {
                tick.cancel(false);
                loop.submit(() -> { }).sync();
                warm.release();
                meas.release();
                Thread.sleep(100);
            }
        }

        /** Prebuilt datagram runs: ChannelData frames for the clients, raw payloads for the peer, marker in byte 0 of the payload. */
        final class Templates {
            final int size;
            final int upSegment;
            final int upMax;
            final int downMax;
            final ByteBuf up;
            final ByteBuf down;

            Templates(int size, int marker) {
                this.size = size;
                this.upSegment = 4 + size; // no padding over UDP
                this.upMax = Math.min(64, 65_000 / upSegment);
                this.downMax = Math.min(64, 65_000 / size);
                up = Unpooled.directBuffer(upSegment * upMax);
                for (int i = 0; i < upMax; i++) {
                    up.writeShort(CHANNEL).writeShort(size).writeByte(marker).writeZero(size - 1);
                }
                down = Unpooled.directBuffer(size * downMax);
                for (int i = 0; i < downMax; i++) {
                    down.writeByte(marker).writeZero(size - 1);
                }
            }

            void release() {
                up.release();
                down.release();
            }
        }

        /** Sends what is due every tick: clients → server at {@code perDirection}, peer → relayed addresses at the same rate. */
        final class Pacer {
            final double perDirection;
            Templates t;
            long startNanos = -1;
            long dueBase; // packets owed before startNanos (per direction)
            long owedUp;
            long owedDown;
            long sentUp;
            long sentDown;
            boolean stopped;
            int nextUp;
            int nextDown;

            Pacer(double perDirection, Templates t) {
                this.perDirection = perDirection;
                this.t = t;
            }

            void switchTo(Templates m) {
                t = m;
                sentUp = 0;
                sentDown = 0;
                startNanos = System.nanoTime();
                owedUp = 0;
                owedDown = 0;
            }

            void stop() {
                stopped = true;
            }

            void tick() {
                if (stopped) {
                    return;
                }
                long now = System.nanoTime();
                if (startNanos < 0) {
                    startNanos = now;
                }
                long due = (long) ((now - startNanos) / 1e9 * perDirection);
                long up = due - owedUp;
                long down = due - owedDown;
                long cap = (long) Math.max(64, perDirection / 100); // never more than 10 ms at once (after a pause: skipped, shows as GEN-LIMITED)
                owedUp = due;
                owedDown = due;
                sendUp((int) Math.min(up, cap));
                sendDown((int) Math.min(down, cap));
                for (Channel c : clients) {
                    c.flush();
                }
                peer.flush();
            }

            private void sendUp(int count) {
                int flows = clients.size();
                int per = count / flows;
                int extra = count % flows;
                for (int i = 0; i < flows; i++) {
                    int k = per + (i < extra ? 1 : 0);
                    Channel c = clients.get((nextUp + i) % flows);
                    while (k > 0) {
                        int m = Math.min(k, t.upMax);
                        ByteBuf run = t.up.retainedSlice(0, m * t.upSegment);
                        c.write(m == 1 ? run : new SegmentedDatagramPacket(run, t.upSegment, (InetSocketAddress) c.remoteAddress()),
                                c.voidPromise());
                        k -= m;
                        sentUp += m;
                    }
                }
                nextUp = (nextUp + extra) % flows;
            }

            private void sendDown(int count) {
                int flows = relayed.size();
                int per = count / flows;
                int extra = count % flows;
                for (int i = 0; i < flows; i++) {
                    int k = per + (i < extra ? 1 : 0);
                    InetSocketAddress to = relayed.get((nextDown + i) % flows);
                    while (k > 0) {
                        int m = Math.min(k, t.downMax);
                        ByteBuf run = t.down.retainedSlice(0, m * t.size);
                        peer.write(m == 1 ? new DatagramPacket(run, to) : new SegmentedDatagramPacket(run, t.size, to), peer.voidPromise());
                        k -= m;
                        sentDown += m;
                    }
                }
                nextDown = (nextDown + extra) % flows;
            }
        }

        /** Client side: ChannelData from the relay is counted; STUN responses go to the setup queue. */
        final class ClientReader extends ChannelInboundHandlerAdapter {
            final BlockingQueue<StunMessage> q;

            ClientReader(BlockingQueue<StunMessage> q) {
                this.q = q;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    ByteBuf b = msg instanceof DatagramPacket p ? p.content() : (ByteBuf) msg;
                    int r = b.readerIndex();
                    if (b.readableBytes() >= 5 && (b.getByte(r) & 0xC0) == 0x40) {
                        if ((b.getByte(r + 4) & 0xFF) == marker) {
                            rxDown++;
                        }
                    } else if (b.readableBytes() >= 20 && (b.getByte(r) & 0xC0) == 0) {
                        try {
                            q.offer(TurnAttributes.DECODER.decode(ByteBufUtil.getBytes(b)));
                        } catch (Exception e) {
                            // not for us
                        }
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // ICMP unreachable while a server stops: counted as loss if it matters
            }
        }

        /** The peer: counts relayed datagrams of the current step. */
        final class PeerReader extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    ByteBuf b = msg instanceof DatagramPacket p ? p.content() : (ByteBuf) msg;
                    if (b.isReadable() && (b.getByte(b.readerIndex()) & 0xFF) == marker) {
                        rxUp++;
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            }
        }

        @Override
        public void close() {
            for (Channel c : clients) {
                c.close().awaitUninterruptibly();
            }
            if (peer != null) {
                peer.close().awaitUninterruptibly();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    /** Busy seconds of one CPU (everything but idle and iowait) from /proc/stat. */
    static double cpuBusy(int cpu) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu" + cpu + " ")) {
                    String[] f = line.trim().split("\\s+");
                    long busy = 0;
                    for (int i = 1; i < Math.min(f.length, 9); i++) {
                        if (i != 4 && i != 5) {
                            busy += Long.parseLong(f[i]);
                        }
                    }
                    return busy / 100.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Double.NaN;
    }

    /** Datagrams the kernel dropped at our own sockets (last column of /proc/net/udp), summed over {@code ports}. */
    static long socketDrops(Set<Integer> ports) {
        long sum = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 13 || !f[1].contains(":")) {
                    continue;
                }
                int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                if (ports.contains(port)) {
                    sum += Long.parseLong(f[f.length - 1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return sum;
    }
}
