package dev.peerlink.exit.fake;

import dev.peerlink.exit.ExitDialer;
import dev.peerlink.exit.ExitException;
import dev.peerlink.exit.ExitFlow;
import dev.peerlink.exit.UdpAssociation;
import dev.peerlink.exit.wire.ExitError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A test exit that connects directly from this machine with java.net sockets (one DatagramSocket per UDP
 * association). Records what it was asked for, counts the flows still open from its side, and can be switched to
 * fail every request with a given {@link ExitError}, to redirect every flow to one address, or to never answer.
 */
public final class DirectDialer implements ExitDialer {
    /** One open() call as the proxy made it. */
    public record Dial(String host, int port) {}

    private static final Executor THREADS = r -> Thread.ofVirtual().name("direct-dialer").start(r);

    private final List<Dial> dials = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<ExitFlow>> unanswered = new CopyOnWriteArrayList<>();
    private final AtomicInteger openFlows = new AtomicInteger();
    private final AtomicInteger openAssociations = new AtomicInteger();
    private volatile ExitError failWith;
    private volatile InetSocketAddress redirect;
    private volatile boolean silent;

    /** Every later request fails with {@code error} (null: stop failing). */
    public DirectDialer failWith(ExitError error) {
        this.failWith = error;
        return this;
    }

    /** Every later flow goes to {@code to} whatever it asked for (null: stop redirecting). */
    public DirectDialer redirectTo(InetSocketAddress to) {
        this.redirect = to;
        return this;
    }

    /** Later open() calls never complete until {@link #answerSilentDials()} is called. */
    public DirectDialer silent(boolean silent) {
        this.silent = silent;
        return this;
    }

    /** Completes every unanswered open() with a real flow to {@code to}: the proxy must close what it no longer wants. */
    public void answerSilentDials(InetSocketAddress to) throws IOException {
        for (CompletableFuture<ExitFlow> f : unanswered) {
            f.complete(connect(to.getHostString(), to.getPort()));
        }
        unanswered.clear();
    }

    public List<Dial> dials() {
        return List.copyOf(dials);
    }

    /** Flows this dialer opened that nobody has closed yet. */
    public int openFlows() {
        return openFlows.get();
    }

    public int openAssociations() {
        return openAssociations.get();
    }

    @Override
    public CompletableFuture<ExitFlow> open(String host, int port) {
        dials.add(new Dial(host, port));
        if (silent) {
            CompletableFuture<ExitFlow> f = new CompletableFuture<>();
            unanswered.add(f);
            return f;
        }
        ExitError fail = failWith;
        InetSocketAddress to = redirect;
        return CompletableFuture.supplyAsync(() -> {
            if (fail != null) {
                throw new CompletionException(new ExitException(fail, "switched to fail"));
            }
            try {
                return to == null ? connect(host, port) : connect(to.getHostString(), to.getPort());
            } catch (ExitException e) {
                throw new CompletionException(e);
            }
        }, THREADS);
    }

    private ExitFlow connect(String host, int port) throws ExitException {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new ExitException(ExitError.DNS_FAILURE, host);
        }
        for (InetAddress a : addresses) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(a, port), 2000);
                openFlows.incrementAndGet();
                return new SocketFlow(s);
            } catch (IOException e) {
                closeQuietly(s);
            }
        }
        throw new ExitException(ExitError.CONNECTION_REFUSED, host + ":" + port);
    }

    @Override
    public UdpAssociation associate(Consumer<UdpAssociation.Packet> fromRemote) throws ExitException {
        if (failWith != null) {
            throw new ExitException(failWith, "switched to fail");
        }
        DatagramSocket socket;
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (SocketException e) {
            throw new ExitException(ExitError.INTERNAL, e.getMessage(), e);
        }
        openAssociations.incrementAndGet();
        Thread.ofVirtual().name("direct-udp").start(() -> {
            byte[] buf = new byte[65535];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (IOException e) {
                    return;
                }
                byte[] payload = Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
                fromRemote.accept(new UdpAssociation.Packet(p.getAddress().getHostAddress(), p.getPort(), payload));
            }
        });
        AtomicBoolean closed = new AtomicBoolean();
        return new UdpAssociation() {
            @Override
            public void send(String host, int port, byte[] payload) throws ExitException {
                try {
                    socket.send(new DatagramPacket(payload, payload.length, InetAddress.getByName(host), port));
                } catch (IOException e) {
                    throw new ExitException(ExitError.UNREACHABLE, e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                if (closed.compareAndSet(false, true)) {
                    socket.close();
                    openAssociations.decrementAndGet();
                }
            }
        };
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** A flow over one socket; closing the output half-closes the socket. */
    private final class SocketFlow implements ExitFlow {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final AtomicBoolean closed = new AtomicBoolean();

        SocketFlow(Socket socket) throws ExitException {
            this.socket = socket;
            try {
                this.in = socket.getInputStream();
                OutputStream raw = socket.getOutputStream();
                this.out = new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        raw.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        raw.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        socket.shutdownOutput();
                    }
                };
            } catch (IOException e) {
                closeQuietly(socket);
                throw new ExitException(ExitError.INTERNAL, e.getMessage(), e);
            }
        }

        @Override
        public InputStream input() {
            return in;
        }

        @Override
        public OutputStream output() {
            return out;
        }

        @Override
        public String exit() {
            return "direct";
        }

        @Override
        public String bound() {
            return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                closeQuietly(socket);
                openFlows.decrementAndGet();
            }
        }
    }
}
