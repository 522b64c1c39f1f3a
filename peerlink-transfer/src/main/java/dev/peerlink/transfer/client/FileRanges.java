package dev.peerlink.transfer.client;

import dev.peerlink.transfer.ProofOfPossession;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Ranges of one file through one open channel: answering a proof touches thousands of ranges. */
final class FileRanges implements ProofOfPossession.RangeSource, AutoCloseable {
    private final FileChannel ch;

    FileRanges(Path file) throws IOException {
        this.ch = FileChannel.open(file, StandardOpenOption.READ);
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
        byte[] out = new byte[length];
        ByteBuffer bb = ByteBuffer.wrap(out);
        while (bb.hasRemaining()) {
            if (ch.read(bb, offset + bb.position()) < 0) {
                throw new EOFException("file shorter than " + (offset + length) + " bytes: did it change while sending?");
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
