package dev.peerlink.bench;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.ProtocolException;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.server.share.ShareService;
import dev.peerlink.server.share.internal.ProviderRegistry;
import dev.peerlink.share.index.H3ProviderIndex;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareCodec;
import dev.peerlink.share.wire.ShareProtocolException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Parts 1 and 3 of the share benchmark: heap per registered provider, and provider refreshes absorbed per second on
 * one thread, from the registry call alone up to the whole server path of a refresh frame. Each refresh round first
 * moves every provider by up to 20 m and builds its inputs (untimed), then times one pass over all N.
 */
final class ShareRegistryBench {
    static final SignallingCodec CODEC = SignallingCodec.standard();
    private static final long HOUR_MS = 3_600_000;

    private final ShareWorld world;
    private final int measuredRounds;
    private long rid;
    private DeviceId[] from;

    ShareRegistryBench(ShareWorld world, int measuredRounds) {
        this.world = world;
        this.measuredRounds = measuredRounds;
    }

    /** Heap figures, bytes per provider, and the first fill's rate. */
    record Heap(double registry, double plainMap, double indexAlone, double plainIndexData, double fillPerSecond) {}

    /** What filling the registry left: its heap figures and the frames it was filled from (to fill the service too). */
    record Fill(Heap heap, byte[][] frames) {}

    /** One timed pass: what it did and the median over the measured rounds. */
    record Rate(String label, double perSecond) {}

    /** Provider i's announce as its SDK sends it: the sharing message. */
    Message.Share message(int i, long now) {
        return ShareCodec.encode("a" + (++rid), world.announce(i, now));
    }

    /** The same as a frame on the wire (signalling envelope, UTF-8). */
    static byte[] frame(Message.Share m) {
        return CODEC.encode(m).getBytes(StandardCharsets.UTF_8);
    }

    /** The server's reading of a frame: envelope, then the sharing body. */
    static ShareBody.Announce decodeAnnounce(byte[] frame) throws ProtocolException, ShareProtocolException {
        return (ShareBody.Announce) ShareCodec.decode((Message.Share) CODEC.decode(frame));
    }

    /**
     * Fills {@code registry} from decoded frames (each announce a separate object graph, as on a server) and, when
     * asked, measures the heap it holds (device ids included); then, for reference, the same announces decoded into a
     * plain map, and the spatial index alone. The frames are built first and stay reachable throughout, so they cancel
     * out of every difference.
     */
    Fill fillAndMeasure(ProviderRegistry registry, boolean measureHeap) throws Exception {
        long now = System.currentTimeMillis();
        byte[][] frames = new byte[world.n][];
        for (int i = 0; i < world.n; i++) {
            frames[i] = frame(message(i, now));
        }
        long before = measureHeap ? ShareHeap.usedAfterGc() : 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < world.n; i++) {
            registry.announce(world.id(i), decodeAnnounce(frames[i]), now + HOUR_MS);
        }
        double fillRate = world.n / ((System.nanoTime() - t0) / 1e9);
        if (!measureHeap) {
            return new Fill(new Heap(0, 0, 0, 0, fillRate), frames);
        }
        long withRegistry = ShareHeap.usedAfterGc();

        ConcurrentHashMap<String, ShareBody.Announce> plain = new ConcurrentHashMap<>();
        for (int i = 0; i < world.n; i++) {
            plain.put(fresh(world.id(i)), decodeAnnounce(frames[i]));
        }
        long withPlain = ShareHeap.usedAfterGc();
        Reference.reachabilityFence(plain); // compiled code may otherwise drop the map before it is measured
        plain = null;
        long afterPlain = ShareHeap.usedAfterGc();

        H3ProviderIndex index = new H3ProviderIndex();
        for (int i = 0; i < world.n; i++) {
            ShareBody.Announce a = decodeAnnounce(frames[i]);
            index.put(fresh(world.id(i)), a.location().point(), Set.copyOf(a.networks()));
        }
        long withIndex = ShareHeap.usedAfterGc();
        Reference.reachabilityFence(index);
        index = null;
        long afterIndex = ShareHeap.usedAfterGc();

        // what the index holds, without its spatial structure: id -> (point, network ids) in a plain map
        ConcurrentHashMap<String, Object[]> flat = new ConcurrentHashMap<>();
        for (int i = 0; i < world.n; i++) {
            ShareBody.Announce a = decodeAnnounce(frames[i]);
            flat.put(fresh(world.id(i)), new Object[] {a.location().point(), Set.copyOf(a.networks())});
        }
        long withFlat = ShareHeap.usedAfterGc();
        Reference.reachabilityFence(flat);
        Reference.reachabilityFence(frames);
        double n = world.n;
        return new Fill(new Heap((withRegistry - before) / n, (withPlain - withRegistry) / n, (withIndex - afterPlain) / n,
                (withFlat - afterIndex) / n, fillRate), frames);
    }

    /** First announces through the service (each device's first: a new entry), from the same frames; returns the rate. */
    double fillService(ShareService service, ShareDevices devices, byte[][] frames, Replies replies) throws Exception {
        from = new DeviceId[world.n];
        for (int i = 0; i < world.n; i++) {
            from[i] = new DeviceId(world.id(i));
            devices.connect(world.id(i));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < world.n; i++) {
            service.onMessage(from[i], (Message.Share) CODEC.decode(frames[i]), replies);
        }
        return world.n / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * Refresh rounds, every provider moved by up to 20 m before each timed pass: {@code registry.announce} alone on
     * announce objects, beside {@code ConcurrentHashMap.put} of the same; then, on one new set of positions, the
     * signalling envelope decode alone (no side effect), {@code ShareCodec.decode} + announce on the registry, and the
     * whole frame through the service (envelope decode, guards, body decode, its registry, the encoded Ok reply).
     * One warm-up round, then the median of the measured ones. Call {@link #fillService} first.
     */
    List<Rate> refreshRounds(ProviderRegistry registry, ShareService service, Replies replies) throws Exception {
        ConcurrentHashMap<String, ShareBody.Announce> floor = new ConcurrentHashMap<>();
        long start = System.currentTimeMillis();
        for (int i = 0; i < world.n; i++) {
            floor.put(world.id(i), world.announce(i, start));
        }
        int measured = measuredRounds;
        double[] map = new double[measured], reg = new double[measured], envelope = new double[measured],
                body = new double[measured], whole = new double[measured];
        long sink = 0;
        for (int round = -1; round < measured; round++) {
            world.moveAll();
            long now = System.currentTimeMillis();
            ShareBody.Announce[] a = new ShareBody.Announce[world.n];
            for (int i = 0; i < world.n; i++) {
                a[i] = world.announce(i, now);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < world.n; i++) {
                floor.put(world.id(i), a[i]);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < world.n; i++) {
                registry.announce(world.id(i), a[i], now + HOUR_MS);
            }
            long t2 = System.nanoTime();
            a = null;

            world.moveAll();
            now = System.currentTimeMillis();
            Message.Share[] messages = new Message.Share[world.n];
            byte[][] frames = new byte[world.n][];
            for (int i = 0; i < world.n; i++) {
                messages[i] = message(i, now);
                frames[i] = frame(messages[i]);
            }
            long t3 = System.nanoTime();
            for (int i = 0; i < world.n; i++) {
                sink += CODEC.decode(frames[i]).type().length();
            }
            long t4 = System.nanoTime();
            for (int i = 0; i < world.n; i++) {
                registry.announce(world.id(i), (ShareBody.Announce) ShareCodec.decode(messages[i]), now + HOUR_MS);
            }
            long t5 = System.nanoTime();
            for (int i = 0; i < world.n; i++) {
                service.onMessage(from[i], (Message.Share) CODEC.decode(frames[i]), replies);
            }
            long t6 = System.nanoTime();
            if (round >= 0) {
                map[round] = perSecond(t1 - t0);
                reg[round] = perSecond(t2 - t1);
                envelope[round] = perSecond(t4 - t3);
                body[round] = perSecond(t5 - t4);
                whole[round] = perSecond(t6 - t5);
            }
        }
        if (sink == 42) {
            System.out.println(); // keeps the envelope decodes observable
        }
        return List.of(new Rate("ConcurrentHashMap.put (floor)", median(map)), new Rate("registry.announce", median(reg)),
                new Rate("ShareCodec.decode + registry.announce", median(body)),
                new Rate("signalling envelope decode alone", median(envelope)),
                new Rate("frame -> ShareService.onMessage -> Ok encoded", median(whole)));
    }

    private double perSecond(long nanos) {
        return world.n / (nanos / 1e9);
    }

    /** Counts what the service answered. */
    static final class Replies implements Consumer<Message> {
        final AtomicLong ok = new AtomicLong(), refused = new AtomicLong(), other = new AtomicLong(), chars = new AtomicLong();
        volatile String lastRefusal;

        @Override
        public void accept(Message m) {
            chars.addAndGet(CODEC.encode(m).length()); // the connection encodes the reply on this thread
            switch (m) {
                case Message.Ok ok1 -> ok.incrementAndGet();
                case Message.Error e -> {
                    refused.incrementAndGet();
                    lastRefusal = e.code() + ": " + e.message();
                }
                default -> other.incrementAndGet();
            }
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f/s (%.2f µs each)", perSecond, 1e6 / perSecond);
    }

    /** A copy with its own characters, as a decoder makes (new String(String) would share them). */
    private static String fresh(String s) {
        return new String(s.toCharArray());
    }
}
