package dev.peerlink.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class CommonPoolCheckTest {
    @Test
    void namesASaturatedPoolAndStaysQuietOtherwise() throws Exception {
        ForkJoinPool pool = new ForkJoinPool(1); // a stand-in for the common pool of a 2-core machine
        try {
            assertThat(CommonPoolCheck.hint(pool)).isEmpty();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            pool.execute(() -> {
                started.countDown();
                try {
                    release.await(); // an application's blocking task
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            started.await();
            assertThat(CommonPoolCheck.hint(pool)).as("busy but nothing waits").isEmpty();
            pool.execute(() -> { }); // what the handshake would need
            assertThat(CommonPoolCheck.hint(pool)).contains("saturated: 1 of 1 threads busy, 1 tasks waiting")
                    .contains("ForkJoinPool.common.parallelism");
            release.countDown();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(pool::isQuiescent);
            assertThat(CommonPoolCheck.hint(pool)).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }
}
