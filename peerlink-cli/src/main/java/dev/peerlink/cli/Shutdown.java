package dev.peerlink.cli;

import java.util.concurrent.CountDownLatch;

/** Blocks a long-running command until the JVM is asked to stop (SIGINT/SIGTERM). */
final class Shutdown {
    private Shutdown() {}

    static void awaitSignal() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                main.join(5000); // let try-with-resources close the servers before the JVM exits
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        stop.await();
    }
}
