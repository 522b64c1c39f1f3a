package dev.peerlink.share.qos.internal;

/** Hour of the week in UTC, Monday 00:00–00:59 = 0 … Sunday 23:00–23:59 = 167. */
public final class HourOfWeek {
    private static final long HOUR_MS = 3_600_000L;
    /** 1970-01-01 was a Thursday: the epoch's first hour is hour 3 × 24 of its week. */
    private static final int EPOCH_HOUR_OF_WEEK = 72;

    private HourOfWeek() {}

    public static int of(long epochMillis) {
        return (int) Math.floorMod(Math.floorDiv(epochMillis, HOUR_MS) + EPOCH_HOUR_OF_WEEK, 168L);
    }
}
