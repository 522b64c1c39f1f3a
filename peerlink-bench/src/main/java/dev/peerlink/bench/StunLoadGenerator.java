package dev.peerlink.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * STUN Binding load generator: one event loop driving several connected UDP sockets, each keeping a
 * fixed window of requests outstanding (a new request leaves as each response arrives; a request
 * unanswered for 200 ms counts as lost and is replaced). With epoll, responses are read with recvmmsg
 * and the next requests of a batch leave in one sendmmsg, so the generator is cheap per message.
 *
 * <p>Measures responses/s over a fixed interval after a warm-up, loss, and the CPU time the server
 * process used in that interval (from /proc/&lt;pid&gt;/stat). Targets must be loopback addresses.
 *
 * <pre>
 * StunLoadGenerator [--warmup 3] [--duration 10] [--sockets 8] [--window 32] [--rounds 1]
 *                   label=127.0.0.1:3478:pid [label=host:port:pid ...]
 * </pre>
 * Also reports the CPU time everything else on the machine used meanwhile (/proc/stat minus server
 * and generator), since on a shared machine that is what makes runs comparable or not.
 * Prints one line per run and, with two or more targets, each target's best rate relative to the
 * first target's.
 */
public final class StunLoadGenerator {
    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_SUCCESS = 0x0101;
    private static final long LOSS_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    record Target(String label, InetSocketAddress address, long pid) {}

    record Result(Target target, double seconds, long responses, long sent, long lost, double serverCpu,
                  double generatorCpu, double otherCpu) {
        double rate() {
            return responses / seconds;
        }

        double cpuPerMillion() {
            return serverCpu / (responses / 1e6);
        }

        /** Other processes used more than 10% of a core meanwhile: the figures are not comparable. */
        boolean contended() {
            return otherCpu > 0.1 * seconds;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "%-10s %9.0f responses/s  sent %d  lost %d (%.3f%%)  server CPU %.2f s (%.2f s per million, %.0f%% of a core)"
                            + "  generator CPU %.2f s  other processes %.2f CPU s%s",
                    target.label, rate(), sent, lost, 100.0 * lost / Math.max(1, sent), serverCpu, cpuPerMillion(),
                    100 * serverCpu / seconds, generatorCpu, otherCpu, contended() ? "  CONTENDED" : "");
        }
    }

    /** Send each socket's next requests as one UDP_SEGMENT (GSO) write; the server still gets separate datagrams. */
    private static boolean GSO;

    private StunLoadGenerator() {}

    private static boolean udpSegmentSupported() {
        try {
            var f = Class.forName("io.netty.channel.epoll.Native").getDeclaredField("IS_SUPPORTING_UDP_SEGMENT");
            f.setAccessible(true);
            return f.getBoolean(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    public static void main(String[] args) throws Exception {
        double warmup = 3;
        double duration = 10;
        int sockets = 8;
        int window = 32;
        int rounds = 1;
        boolean gso = true;
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--duration" -> duration = Double.parseDouble(args[++i]);
                case "--sockets" -> sockets = Integer.parseInt(args[++i]);
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--no-gso" -> gso = false;
                default -> targets.add(parseTarget(args[i]));
            }
        }
        if (targets.isEmpty() || duration <= 0 || duration > 120 || warmup > 60 || rounds < 1 || rounds > 5) {
            System.err.println("usage: StunLoadGenerator [--warmup s] [--duration s<=120] [--sockets n] [--window n]"
                    + " [--rounds n<=5] label=127.0.0.1:port:pid ...");
            System.exit(2);
        }
        gso &= Epoll.isAvailable() && udpSegmentSupported();
        GSO = gso;
        System.out.printf(Locale.ROOT, "generator: %s, %d sockets x %d outstanding, warm-up %.0f s, measure %.0f s, %d round(s)%n",
                Epoll.isAvailable() ? "epoll (recvmmsg; requests sent " + (gso ? "as UDP GSO batches)" : "with sendmmsg)") : "nio",
                sockets, window, warmup, duration, rounds);
        List<Result> results = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (Target t : targets) {
                Result res = run(t, sockets, window, warmup, duration);
                results.add(res);
                System.out.println(res);
            }
        }
        if (targets.size() > 1) {
            Result base = best(results, targets.get(0));
            for (Target t : targets.subList(1, targets.size())) {
                Result other = best(results, t);
                System.out.printf(Locale.ROOT, "ratio %s/%s = %.2f (best uncontended of %d round(s): %.0f vs %.0f responses/s;"
                                + " CPU per million %.2f vs %.2f s, ratio %.2f)%s%n",
                        base.target.label, t.label, base.rate() / other.rate(), rounds, base.rate(), other.rate(),
                        base.cpuPerMillion(), other.cpuPerMillion(), other.cpuPerMillion() / base.cpuPerMillion(),
                        base.contended() || other.contended() ? "  WARNING: only contended rounds available" : "");
            }
        }
    }

    /** The fastest uncontended round of a target, or its fastest round if every one was contended. */
    private static Result best(List<Result> results, Target t) {
        var byRate = java.util.Comparator.comparingDouble(Result::rate);
        return results.stream().filter(r -> r.target == t && !r.contended()).max(byRate)
                .orElseGet(() -> results.stream().filter(r -> r.target == t).max(byRate).orElseThrow());
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

    static Result run(Target target, int sockets, int window, double warmup, double duration) throws Exception {
        boolean epoll = Epoll.isAvailable();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        List<Flow> flows = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < sockets; i++) {
                Flow flow = new Flow(i, window);
                Bootstrap b = new Bootstrap().group(group).handler(flow)
                        .option(ChannelOption.SO_RCVBUF, 1 << 20).option(ChannelOption.SO_SNDBUF, 1 << 20);
                if (epoll) {
                    b.channel(EpollDatagramChannel.class)
                            .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 256)
                            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(256 * 64).maxMessagesPerRead(256));
                } else {
                    b.channel(NioDatagramChannel.class)
                            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(256).maxMessagesPerRead(256));
                }
                Channel ch = b.connect(target.address, new InetSocketAddress(target.address.getAddress(), 0)).sync().channel();
                flows.add(flow);
                channels.add(ch);
            }
            var loop = group.next();
            loop.submit(() -> flows.forEach(Flow::start)).sync();
            ScheduledFuture<?> lossCheck = loop.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                flows.forEach(f -> f.replaceLost(now));
            }, 50, 50, TimeUnit.MILLISECONDS);

            Thread.sleep((long) (warmup * 1000));
            long[] c0 = loop.submit(() -> totals(flows)).get();
            double server0 = ProcCpu.seconds(target.pid);
            double self0 = ProcCpu.seconds(ProcCpu.self());
            double machine0 = ProcCpu.machineBusy();
            long t0 = System.nanoTime();
            Thread.sleep((long) (duration * 1000));
            long[] c1 = loop.submit(() -> totals(flows)).get();
            double server1 = ProcCpu.seconds(target.pid);
            double self1 = ProcCpu.seconds(ProcCpu.self());
            double machine1 = ProcCpu.machineBusy();
            long t1 = System.nanoTime();
            lossCheck.cancel(false);
            return new Result(target, (t1 - t0) / 1e9, c1[0] - c0[0], c1[1] - c0[1], c1[2] - c0[2],
                    server1 - server0, self1 - self0,
                    Math.max(0, (machine1 - machine0) - (server1 - server0) - (self1 - self0)));
        } finally {
            for (Channel ch : channels) {
                ch.close().awaitUninterruptibly();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    private static long[] totals(List<Flow> flows) {
        long[] t = new long[3];
        for (Flow f : flows) {
            t[0] += f.responses;
            t[1] += f.sent;
            t[2] += f.lost;
        }
        return t;
    }

    /**
     * One socket's window. Slot {@code i} carries transaction ID (flow, i, generation); a response
     * with the current generation frees the slot and sends the next request in it. All on the
     * event loop thread.
     */
    static final class Flow extends ChannelInboundHandlerAdapter {
        private final int id;
        private final int[] generation;
        private final long[] sentAt;
        private ChannelHandlerContext ctx;
        private ByteBuf batch; // requests waiting for the next flush when sending with GSO
        private int batched;
        long responses;
        long sent;
        long lost;

        Flow(int id, int window) {
            this.id = id;
            this.generation = new int[window];
            this.sentAt = new long[window];
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void start() {
            for (int s = 0; s < generation.length; s++) {
                send(s, System.nanoTime());
            }
            flush();
        }

        private void send(int slot, long now) {
            int g = ++generation[slot];
            ByteBuf b = ctx.alloc().directBuffer(20);
            b.writeShort(BINDING_REQUEST).writeShort(0).writeInt(MAGIC_COOKIE).writeInt(id).writeInt(slot).writeInt(g);
            sentAt[slot] = now;
            sent++;
            if (!GSO) {
                ctx.write(b, ctx.voidPromise());
                return;
            }
            if (batch == null) {
                batch = ctx.alloc().directBuffer(20 * generation.length);
            }
            batch.writeBytes(b);
            b.release();
            batched++;
        }

        private void flush() {
            if (batch != null) {
                ByteBuf b = batch;
                batch = null;
                if (batched == 1) {
                    ctx.write(b, ctx.voidPromise());
                } else {
                    ctx.write(new io.netty.channel.unix.SegmentedDatagramPacket(b, 20,
                            (InetSocketAddress) ctx.channel().remoteAddress()), ctx.voidPromise());
                }
                batched = 0;
            }
            ctx.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ByteBuf b = msg instanceof DatagramPacket p ? p.content() : (ByteBuf) msg;
                int r = b.readerIndex();
                if (b.readableBytes() < 20 || b.getUnsignedShort(r) != BINDING_SUCCESS || b.getInt(r + 4) != MAGIC_COOKIE
                        || b.getInt(r + 8) != id) {
                    return;
                }
                int slot = b.getInt(r + 12);
                if (slot >= 0 && slot < generation.length && b.getInt(r + 16) == generation[slot]) {
                    responses++;
                    send(slot, System.nanoTime());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flush();
        }

        void replaceLost(long now) {
            boolean any = false;
            for (int s = 0; s < generation.length; s++) {
                if (now - sentAt[s] > LOSS_TIMEOUT_NANOS) {
                    lost++;
                    send(s, now);
                    any = true;
                }
            }
            if (any) {
                flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable while a server starts or stops: the loss counter covers it.
        }
    }
}
