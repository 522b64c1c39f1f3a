package dev.peerlink.transfer.client;

import dev.peerlink.transfer.ChunkingParams;
import dev.peerlink.transfer.ContentId;
import dev.peerlink.transfer.Manifest;
import dev.peerlink.transfer.PossessionChallenge;
import dev.peerlink.transfer.PossessionResponse;
import dev.peerlink.transfer.ProofOfPossession;
import dev.peerlink.transfer.wire.TransferFrame;
import dev.peerlink.transfer.wire.TransferProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One send: offer → challenge → prove → plan → chunks → finish → accepted, and after a dropped connection
 * (or a restarted server) reconnect and {@code resume} the session, which answers with whatever step is next.
 * Chunks go out in a window of {@code windowBytes}, each released by the server's {@code stored}.
 */
final class Sender {
    /** The content: its manifest and random access to its bytes. */
    interface Source extends ProofOfPossession.RangeSource, AutoCloseable {
        Manifest manifest();

        long hashMillis();

        @Override
        void close() throws IOException;

        static Source of(Path file, ChunkingParams params) throws IOException {
            long t0 = System.nanoTime();
            Manifest m = Manifest.build(file, params);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            FileRanges ranges = new FileRanges(file);
            return new Source() {
                public Manifest manifest() { return m; }
                public long hashMillis() { return ms; }
                public byte[] read(long offset, int length) throws IOException { return ranges.read(offset, length); }
                public void close() throws IOException { ranges.close(); }
            };
        }

        static Source of(byte[] bytes, ChunkingParams params) {
            long t0 = System.nanoTime();
            Manifest m = Manifest.build(bytes, params);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            ProofOfPossession.RangeSource r = ProofOfPossession.RangeSource.of(bytes);
            return new Source() {
                public Manifest manifest() { return m; }
                public long hashMillis() { return ms; }
                public byte[] read(long offset, int length) throws IOException { return r.read(offset, length); }
                public void close() {}
            };
        }
    }

    private final TransferClient client;
    private long bytesSent;
    private int chunksSent;
    private int resumes;

    Sender(TransferClient client) {
        this.client = client;
    }

    SendResult send(Source source, String target, String name) throws IOException {
        long t0 = System.nanoTime();
        try (source) {
            Manifest m = source.manifest();
            long deadline = 0;
            String session = null;
            int incomplete = 0;
            while (true) {
                try {
                    TransferFrame r = session == null
                            ? client.request(TransferFrame.of("offer").with("target", target).with("name", name).payload(m.encode()))
                            : client.request(TransferFrame.of("resume").with("session", session));
                    session = r.str("session");
                    while (true) {
                        switch (r.type()) {
                            case "challenge" -> {
                                PossessionResponse resp = ProofOfPossession.respond(PossessionChallenge.decode(r.payload()), source);
                                r = client.request(TransferFrame.of("prove").with("session", session).payload(encode(resp)));
                            }
                            case "plan" -> {
                                upload(session, m, BitSet.valueOf(r.payload()), source);
                                r = client.request(TransferFrame.of("finish").with("session", session));
                            }
                            case "accepted" -> {
                                return new SendResult(m.contentId(), m.size(), bytesSent > 0, bytesSent, chunksSent, m.chunkCount(),
                                        r.str("deliveredBy"), r.num("delivery", 0, Long.MAX_VALUE), resumes, source.hashMillis(),
                                        source.hashMillis() + (System.nanoTime() - t0) / 1_000_000);
                            }
                            default -> throw new IOException("unexpected " + r.type() + " from " + client.url());
                        }
                    }
                } catch (TransferException e) {
                    // "incomplete": chunks the plan skipped vanished meanwhile; resume asks for them again.
                    if (e.code().equals("incomplete") && session != null && ++incomplete <= 3) {
                        continue;
                    }
                    throw e;
                } catch (TransferProtocolException | IllegalArgumentException e) {
                    throw new IOException("bad answer from " + client.url() + ": " + e.getMessage());
                } catch (IOException e) {
                    // connection dropped or server restarting: reconnect and resume within retryFor
                    if (deadline == 0) {
                        deadline = System.nanoTime() + client.options().retryFor().toNanos();
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IOException("gave up after " + client.options().retryFor().toSeconds() + " s: " + e.getMessage(), e);
                    }
                    client.dropConnection();
                    pause(200 + 300L * Math.min(resumes, 6));
                    resumes++;
                    if (session == null) {
                        continue; // offer again
                    }
                }
            }
        }
    }

    private static void pause(long ms) throws IOException {
        try {
            Thread.sleep(ms); // reconnect backoff, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    static byte[] encode(PossessionResponse r) {
        ByteBuffer b = ByteBuffer.allocate(32 * r.digests().size());
        r.digests().forEach(b::put);
        return b.array();
    }

    /** Sends the planned chunks, at most windowBytes unacknowledged; returns when all are stored. */
    private void upload(String session, Manifest m, BitSet needed, Source source) throws IOException {
        Semaphore window = new Semaphore(client.options().windowBytes());
        AtomicReference<TransferException> failure = new AtomicReference<>();
        BitSet outstanding = new BitSet();
        client.onPush(f -> {
            if (!session.equals(f.header().path("session").asText())) {
                return;
            }
            int index = f.header().path("index").asInt(-1);
            if (f.type().equals("stored") && index >= 0 && index < m.chunkCount()) {
                synchronized (outstanding) {
                    if (outstanding.get(index)) {
                        outstanding.clear(index);
                        window.release(m.chunk(index).length());
                    }
                }
            } else if (f.type().equals("error")) {
                if (failure.compareAndSet(null, TransferSocket.error(f))) {
                    window.release(1 << 30); // wake the sender; it sees the failure
                }
            }
        });
        try {
            for (int i = needed.nextSetBit(0); i >= 0 && i < m.chunkCount(); i = needed.nextSetBit(i + 1)) {
                Manifest.Chunk c = m.chunk(i);
                byte[] bytes = source.read(c.offset(), c.length());
                if (!c.id().equals(ContentId.of(bytes))) {
                    throw new IOException("the content changed while sending (chunk " + i + "); send it again");
                }
                acquire(window, c.length(), failure);
                synchronized (outstanding) {
                    outstanding.set(i);
                }
                client.sendFrame(TransferFrame.of("chunk").with("session", session).with("index", i).payload(bytes));
                bytesSent += c.length();
                chunksSent++;
            }
            acquire(window, client.options().windowBytes(), failure); // all acknowledged
        } finally {
            client.onPush(null);
        }
    }

    private void acquire(Semaphore window, int permits, AtomicReference<TransferException> failure) throws IOException {
        long deadline = System.nanoTime() + client.options().requestTimeout().toNanos();
        try {
            while (!window.tryAcquire(Math.min(permits, client.options().windowBytes()), 200, TimeUnit.MILLISECONDS)) {
                if (failure.get() != null) {
                    throw failure.get();
                }
                if (!client.ensureConnectedQuietly() || System.nanoTime() > deadline) {
                    throw new IOException("connection lost while uploading");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
