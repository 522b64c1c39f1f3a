package dev.peerlink.cast.media;

import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.rtmp.flv.FlvWriter;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Records tags to an .flv file: the FLV header, then each tag as it comes. Flushed at every key frame, so a recording
 * cut short by a crash still plays up to the last GOP. Usable directly as an encoder's or a player's tag consumer.
 */
public final class FlvRecorder implements Consumer<FlvTag>, Closeable {
    private final OutputStream out;
    private final Path file;
    private long tags;
    private boolean closed;

    private FlvRecorder(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /** Creates (or truncates) {@code file} and writes the header. */
    public static FlvRecorder create(Path file, boolean audio, boolean video) throws IOException {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 256 * 1024);
        try {
            out.write(FlvWriter.header(audio, video));
        } catch (IOException e) {
            out.close();
            throw e;
        }
        return new FlvRecorder(file, out);
    }

    public Path file() {
        return file;
    }

    public synchronized void write(FlvTag tag) throws IOException {
        if (closed) {
            throw new IOException("recorder closed: " + file);
        }
        out.write(FlvWriter.tag(tag));
        tags++;
        if (tag.isKeyFrame()) {
            out.flush();
        }
    }

    /** {@link #write} for use as a consumer; an I/O failure surfaces as {@link UncheckedIOException}. */
    @Override
    public void accept(FlvTag tag) {
        try {
            write(tag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized long tagsWritten() {
        return tags;
    }

    public synchronized void flush() throws IOException {
        if (!closed) {
            out.flush();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }
}
