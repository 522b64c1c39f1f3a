package dev.peerlink.share.qos.internal;

import dev.peerlink.share.qos.QosBucket;
import dev.peerlink.share.qos.QosBucket.WeightedSum;
import dev.peerlink.share.qos.QosPrediction;
import dev.peerlink.share.qos.QosSample;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The mutable in-memory form of a {@link QosBucket}: decayed sums normalised to {@code refMillis} (the newest
 * sample; see QosBucket for the scheme) and the most recently seen distinct devices. Not thread-safe.
 */
public final class BucketAccumulator {
    private long refMillis;
    private long samples;
    private double weight;
    private double rttW, rttSum, downW, downSum, upW, upSum, lossW, lossSum;
    private double offlineMs, periodMs;
    private long[] deviceHash = new long[4];
    private long[] deviceSeen = new long[4];
    private int deviceCount;

    /** Adds a sample (device already hashed); halfLifeMs is the decay half-life. */
    public void add(QosSample s, long device, double halfLifeMs) {
        long t = s.timeMillis();
        if (samples == 0) {
            refMillis = t;
        } else if (t > refMillis) {
            scale(decay(t - refMillis, halfLifeMs));
            refMillis = t;
        }
        double w = decay(refMillis - t, halfLifeMs);
        samples++;
        weight += w;
        if (!Double.isNaN(s.rttMs())) {
            rttW += w;
            rttSum += w * s.rttMs();
        }
        if (!Double.isNaN(s.downMbps())) {
            downW += w;
            downSum += w * s.downMbps();
        }
        if (!Double.isNaN(s.upMbps())) {
            upW += w;
            upSum += w * s.upMbps();
        }
        if (!Double.isNaN(s.lossPct())) {
            lossW += w;
            lossSum += w * s.lossPct();
        }
        offlineMs += w * s.offlineMs();
        periodMs += w * s.periodMs();
        seen(device, t);
    }

    /** Distinct devices that reported within {@code windowMs} before this bucket's newest sample. */
    public int activeDevices(long windowMs) {
        long since = refMillis - windowMs;
        int n = 0;
        for (int i = 0; i < deviceCount; i++) {
            if (deviceSeen[i] >= since) {
                n++;
            }
        }
        return n;
    }

    public QosPrediction predict(String cell, int hourOfWeek, int devices, long nowMillis, double halfLifeMs) {
        double offline = periodMs > 0 ? Math.min(1, offlineMs / periodMs) : 0;
        return QosPrediction.of(cell, hourOfWeek, mean(rttSum, rttW), mean(downSum, downW), mean(upSum, upW),
                mean(lossSum, lossW), offline, devices, weight * decay(nowMillis - refMillis, halfLifeMs));
    }

    public QosBucket snapshot(long cell, int hourOfWeek) {
        ByteBuffer packed = ByteBuffer.allocate(deviceCount * QosBucket.DEVICE_ENTRY_BYTES);
        for (int i = 0; i < deviceCount; i++) {
            packed.putLong(deviceHash[i]).putLong(deviceSeen[i]);
        }
        return new QosBucket(cell, hourOfWeek, refMillis, samples, weight, new WeightedSum(rttW, rttSum),
                new WeightedSum(downW, downSum), new WeightedSum(upW, upSum), new WeightedSum(lossW, lossSum),
                offlineMs, periodMs, packed.array());
    }

    public static BucketAccumulator from(QosBucket b) {
        BucketAccumulator a = new BucketAccumulator();
        a.refMillis = b.refMillis();
        a.samples = b.samples();
        a.weight = b.weight();
        a.rttW = b.rtt().weight();
        a.rttSum = b.rtt().sum();
        a.downW = b.down().weight();
        a.downSum = b.down().sum();
        a.upW = b.up().weight();
        a.upSum = b.up().sum();
        a.lossW = b.loss().weight();
        a.lossSum = b.loss().sum();
        a.offlineMs = b.offlineMs();
        a.periodMs = b.periodMs();
        ByteBuffer packed = ByteBuffer.wrap(b.devices());
        int n = b.deviceCount();
        a.deviceHash = new long[Math.max(4, n)];
        a.deviceSeen = new long[Math.max(4, n)];
        for (int i = 0; i < n; i++) {
            a.deviceHash[i] = packed.getLong();
            a.deviceSeen[i] = packed.getLong();
        }
        a.deviceCount = n;
        return a;
    }

    /** Remembers the device; when all slots are taken, it replaces the longest-silent one (if it is older). */
    private void seen(long device, long t) {
        int stalest = -1;
        for (int i = 0; i < deviceCount; i++) {
            if (deviceHash[i] == device) {
                deviceSeen[i] = Math.max(deviceSeen[i], t);
                return;
            }
            if (stalest < 0 || deviceSeen[i] < deviceSeen[stalest]) {
                stalest = i;
            }
        }
        if (deviceCount < QosBucket.MAX_DEVICES) {
            if (deviceCount == deviceHash.length) {
                int grown = Math.min(QosBucket.MAX_DEVICES, deviceCount * 2);
                deviceHash = Arrays.copyOf(deviceHash, grown);
                deviceSeen = Arrays.copyOf(deviceSeen, grown);
            }
            deviceHash[deviceCount] = device;
            deviceSeen[deviceCount++] = t;
        } else if (deviceSeen[stalest] < t) {
            deviceHash[stalest] = device;
            deviceSeen[stalest] = t;
        }
    }

    private void scale(double f) {
        weight *= f;
        rttW *= f;
        rttSum *= f;
        downW *= f;
        downSum *= f;
        upW *= f;
        upSum *= f;
        lossW *= f;
        lossSum *= f;
        offlineMs *= f;
        periodMs *= f;
    }

    private static double decay(long ageMs, double halfLifeMs) {
        return Math.pow(2, -ageMs / halfLifeMs);
    }

    private static double mean(double sum, double w) {
        return w > 0 ? sum / w : Double.NaN;
    }
}
