package dev.peerlink.exit.provider;

import dev.peerlink.exit.wire.ExitCodec;
import dev.peerlink.exit.wire.ExitReply;
import dev.peerlink.exit.wire.ExitRequest;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicReference;

/** The requester's side of an exit stream, as the tests drive it: request frame out, reply frame in, then bytes. */
record ExitClient(ExitReply reply, SecureStream stream) implements AutoCloseable {

    static ExitClient open(PeerConnection c, String host, int port) throws Exception {
        SecureStream st = c.openStream();
        OutputStream out = st.output();
        out.write(ExitCodec.encode(new ExitRequest(host, port)));
        out.flush();
        ExitReply r = ExitCodec.decodeReply(ExitCodec.readFrame(st.input()));
        if (!r.ok()) {
            st.close();
        }
        return new ExitClient(r, st);
    }

    /** Writes {@code data} (then half-closes) while reading everything that comes back until EOF. */
    byte[] exchange(byte[] data) throws Exception {
        AtomicReference<IOException> failed = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try (OutputStream out = stream.output()) {
                out.write(data);
            } catch (IOException e) {
                failed.set(e);
            }
        });
        byte[] back;
        try (InputStream in = stream.input()) {
            back = in.readAllBytes();
        }
        writer.join();
        if (failed.get() != null) {
            throw failed.get();
        }
        return back;
    }

    @Override
    public void close() {
        stream.close();
    }
}
