package dev.peerlink.bench;

import java.lang.management.ManagementFactory;

/** Used heap after the collector has settled: several full collections with pauses between them. */
final class ShareHeap {
    private ShareHeap() {}

    static long usedAfterGc() throws InterruptedException {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            // stop once two collections in a row agree within 64 KiB: nothing more is being freed
            if (i >= 1 && Math.abs(used - last) < 65_536) {
                return used;
            }
            last = used;
        }
        return last;
    }
}
