package dev.peerlink.rtmp.handshake;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.chunk.ChunkDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Test-only: a one-connection TCP listener on 127.0.0.1 that runs {@link HandshakeServer} and then feeds the bytes to a
 * {@link ChunkDecoder} until a message matches {@code until}. Blocking sockets on a plain thread: the codec is pure,
 * so no Netty pipeline is needed to exercise it against a real client.
 */
final class LoopbackRtmpServer implements AutoCloseable {
    /** What the connection produced. */
    record Session(HandshakeMode mode, byte[] afterHandshake, List<RtmpMessage> messages) {}

    private final ServerSocket listener;
    private final CompletableFuture<Session> session = new CompletableFuture<>();
    private final List<RtmpMessage> messages = new CopyOnWriteArrayList<>();

    LoopbackRtmpServer(Predicate<RtmpMessage> until) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> serve(until), "loopback-rtmp-server");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    CompletableFuture<Session> session() {
        return session;
    }

    /** Messages decoded so far (for diagnostics when the session does not complete). */
    List<RtmpMessage> messages() {
        return messages;
    }

    private void serve(Predicate<RtmpMessage> until) {
        try (Socket s = listener.accept()) {
            s.setSoTimeout(15_000);
            InputStream in = s.getInputStream();
            HandshakeServer hs = new HandshakeServer();
            ByteBuf buf = Unpooled.buffer();
            byte[] chunk = new byte[8192];
            while (!hs.isDone()) {
                int n = in.read(chunk);
                if (n < 0) {
                    hs.endOfInput();
                }
                buf.writeBytes(chunk, 0, n);
                HandshakeStep step = hs.feed(buf);
                s.getOutputStream().write(step.toSend());
            }
            buf.discardReadBytes();
            ChunkDecoder decoder = new ChunkDecoder();
            ByteBuf captured = Unpooled.buffer();
            boolean found = false;
            while (!found) {
                captured.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
                decoder.decode(buf, messages::add);
                buf.discardReadBytes();
                found = messages.stream().anyMatch(until);
                if (!found) {
                    int n = in.read(chunk);
                    if (n < 0) {
                        throw new IOException("client closed before the expected message; got " + messages);
                    }
                    buf.writeBytes(chunk, 0, n);
                }
            }
            byte[] raw = new byte[captured.readableBytes()];
            captured.readBytes(raw);
            session.complete(new Session(hs.mode().orElseThrow(), raw, List.copyOf(messages)));
        } catch (IOException | RtmpException | RuntimeException e) {
            session.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
