package dev.peerlink.exit.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    @Test
    void takersSharingABucketAddUpToItsRate() throws Exception {
        TokenBucket b = new TokenBucket(400_000); // burst 40 kB
        long start = System.nanoTime();
        List<Thread> takers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            takers.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 5; i++) {
                        b.take(10_000);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : takers) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // 200 kB at 400 kB/s after a 40 kB burst: at least 0.4 s
        assertThat(seconds).isGreaterThanOrEqualTo(0.38);
    }

    @Test
    void tryTakeRefusesWhatIsNotThereYet() {
        TokenBucket b = new TokenBucket(1000); // burst 16 KiB
        assertThat(b.tryTake(16 * 1024)).isTrue();
        assertThat(b.tryTake(1024)).isFalse();
    }

    @Test
    void ratesAreChecked() {
        assertThat(TokenBucket.bytesPerSecond(2000)).isEqualTo(250_000);
        assertThatThrownBy(() -> new TokenBucket(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
