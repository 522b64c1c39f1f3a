package dev.peerlink.transfer.client;

import dev.peerlink.transfer.ContentId;
import dev.peerlink.transfer.Manifest;
import dev.peerlink.transfer.wire.TransferFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Fetches one delivery into {@code dir}: chunks are verified against the manifest as they arrive and appended
 * to {@code .peerlink-<delivery>.part} (the manifest kept beside it), so a dropped connection resumes at the
 * first missing chunk; the finished file is re-checked against the content id and renamed into place
 * (never overwriting: {@code name (1).ext}). Text messages become {@code message-<delivery>.txt}.
 */
final class Downloader {
    private final TransferClient client;

    Downloader(TransferClient client) {
        this.client = client;
    }

    Path download(TransferClient.InboxItem item, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path part = dir.resolve(".peerlink-" + item.delivery() + ".part");
        Path manifestFile = dir.resolve(".peerlink-" + item.delivery() + ".manifest");
        long deadline = 0;
        while (true) {
            try {
                fetchRemaining(item, part, manifestFile);
                Path out = place(part, dir, saveName(item));
                Files.deleteIfExists(manifestFile);
                return out;
            } catch (TransferException e) {
                throw e;
            } catch (IOException e) {
                if (deadline == 0) {
                    deadline = System.nanoTime() + client.options().retryFor().toNanos();
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("download of delivery " + item.delivery() + " failed: " + e.getMessage(), e);
                }
                client.dropConnection();
                try {
                    Thread.sleep(300); // reconnect backoff
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
        }
    }

    private void fetchRemaining(TransferClient.InboxItem item, Path part, Path manifestFile) throws IOException {
        Manifest known = Files.exists(manifestFile) ? Manifest.decode(Files.readAllBytes(manifestFile), Long.MAX_VALUE) : null;
        int from = 0;
        if (known != null && Files.exists(part)) {
            from = wholeChunks(known, Files.size(part));
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
                ch.truncate(from == known.chunkCount() ? known.size() : known.chunk(from).offset());
            }
        } else {
            Files.deleteIfExists(part);
        }
        BlockingQueue<TransferFrame> frames = new ArrayBlockingQueue<>(32);
        client.onPush(f -> {
            if ((f.type().equals("data") || f.type().equals("end") || f.type().equals("error"))
                    && f.header().path("delivery").asLong(-1) == item.delivery()) {
                try {
                    frames.put(f); // blocks the socket reader: TCP pushes back on the server
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try {
            TransferFrame mf = client.request(TransferFrame.of("fetch").with("delivery", item.delivery()).with("from", from));
            Manifest m = Manifest.decode(mf.payload(), Long.MAX_VALUE);
            if (!m.contentId().equals(item.contentId())) {
                throw new TransferException("bad-manifest", "server sent a manifest of another content");
            }
            if (known == null) {
                Files.write(manifestFile, m.encode());
            }
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                int next = from;
                while (next < m.chunkCount()) {
                    TransferFrame f = frames.poll(client.options().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    if (f == null) {
                        throw new IOException("download stalled at chunk " + next);
                    }
                    if (f.type().equals("error")) {
                        throw TransferSocket.error(f);
                    }
                    int index = f.header().path("index").asInt(-1);
                    Manifest.Chunk c = index == next ? m.chunk(index) : null;
                    if (c == null || f.payload().length != c.length() || !c.id().equals(ContentId.of(f.payload()))) {
                        throw new TransferException("corrupt-chunk", "chunk " + index + " from the server does not match the manifest");
                    }
                    ByteBuffer bb = ByteBuffer.wrap(f.payload());
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    next++;
                }
                out.force(true);
            }
            if (!verify(part, m)) {
                Files.deleteIfExists(part);
                throw new TransferException("corrupt-content", "downloaded bytes do not hash to " + m.contentId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            client.onPush(null);
        }
    }

    private static int wholeChunks(Manifest m, long have) {
        int i = 0;
        while (i < m.chunkCount() && m.chunk(i).offset() + m.chunk(i).length() <= have) {
            i++;
        }
        return i;
    }

    private static boolean verify(Path file, Manifest m) throws IOException {
        return Files.size(file) == m.size() && ContentId.compute(file).equals(m.contentId());
    }

    /** The sender's file name reduced to a safe base name, or message-N.txt for text. */
    static String saveName(TransferClient.InboxItem item) {
        if (item.name() == null) {
            return "message-" + item.delivery() + ".txt";
        }
        String base = item.name().replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[\\x00-\\x1f\\x7f]", "_").strip();
        if (base.isEmpty() || base.equals(".") || base.equals("..") || base.startsWith(".peerlink-")) {
            base = "delivery-" + item.delivery();
        }
        return base.length() > 200 ? base.substring(base.length() - 200) : base;
    }

    private static Path place(Path part, Path dir, String name) throws IOException {
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        for (int n = 0; ; n++) {
            Path target = dir.resolve(n == 0 ? name : stem + " (" + n + ")" + ext);
            if (Files.exists(target)) {
                continue;
            }
            try {
                Files.createFile(target); // claim the name, then replace atomically
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return target;
            } catch (FileAlreadyExistsException e) {
                // taken meanwhile: next suffix
            }
        }
    }
}
