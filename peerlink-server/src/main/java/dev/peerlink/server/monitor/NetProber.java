package dev.peerlink.server.monitor;

import dev.peerlink.protocol.ProbePacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real prober: UDP probes are one {@link ProbePacket} datagram from one unconnected, non-blocking socket (the
 * server never reads it: answers come over signalling); TCP probes connect (asynchronously), write the same 22 bytes
 * and close; a connection still open after {@code timeout} is closed. At most {@code maxTcpInFlight} TCP probes at once.
 */
public final class NetProber implements Prober, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetProber.class);

    private final DatagramChannel udp4;
    private DatagramChannel udp6;
    private final ScheduledExecutorService timer;
    private final long timeoutMs;
    private final int maxTcpInFlight;
    private final AtomicInteger tcpInFlight = new AtomicInteger();

    public NetProber(ScheduledExecutorService timer, Duration timeout, int maxTcpInFlight) throws IOException {
        this.udp4 = DatagramChannel.open(StandardProtocolFamily.INET);
        this.udp4.configureBlocking(false);
        this.udp4.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 1 << 20);
        this.udp4.bind(new InetSocketAddress(0));
        this.timer = timer;
        this.timeoutMs = timeout.toMillis();
        this.maxTcpInFlight = maxTcpInFlight;
    }

    /** The local port UDP probes come from. */
    public int udpPort() {
        try {
            return ((InetSocketAddress) udp4.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void probe(boolean tcp, InetSocketAddress external, byte[] nonce) {
        byte[] packet = ProbePacket.encode(nonce);
        if (tcp) {
            tcpProbe(external, packet);
            return;
        }
        try {
            DatagramChannel ch = external.getAddress() instanceof java.net.Inet6Address ? udp6() : udp4;
            ch.send(ByteBuffer.wrap(packet), external); // a full socket buffer drops it: the round's retry covers that
        } catch (IOException e) {
            LOG.debug("UDP probe to {} not sent: {}", external, e.toString());
        }
    }

    private synchronized DatagramChannel udp6() throws IOException {
        if (udp6 == null) {
            udp6 = DatagramChannel.open(StandardProtocolFamily.INET6);
            udp6.configureBlocking(false);
            udp6.bind(new InetSocketAddress(0));
        }
        return udp6;
    }

    private void tcpProbe(InetSocketAddress external, byte[] packet) {
        if (tcpInFlight.incrementAndGet() > maxTcpInFlight) {
            tcpInFlight.decrementAndGet();
            LOG.debug("TCP probe to {} skipped: {} in flight", external, maxTcpInFlight);
            return;
        }
        AsynchronousSocketChannel ch;
        try {
            ch = AsynchronousSocketChannel.open();
        } catch (IOException e) {
            tcpInFlight.decrementAndGet();
            return;
        }
        Runnable done = new Runnable() {
            private boolean closed;

            @Override
            public synchronized void run() {
                if (!closed) {
                    closed = true;
                    tcpInFlight.decrementAndGet();
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // closing
                    }
                }
            }
        };
        timer.schedule(done, timeoutMs, TimeUnit.MILLISECONDS);
        ch.connect(external, null, new CompletionHandler<Void, Void>() {
            @Override
            public void completed(Void v, Void a) {
                ch.write(ByteBuffer.wrap(packet), null, new CompletionHandler<Integer, Void>() {
                    @Override
                    public void completed(Integer n, Void a2) {
                        // keep it open until the timeout so the device can read before we close; then done
                    }

                    @Override
                    public void failed(Throwable t, Void a2) {
                        done.run();
                    }
                });
            }

            @Override
            public void failed(Throwable t, Void a) {
                done.run();
            }
        });
    }

    @Override
    public void close() {
        try {
            udp4.close();
            if (udp6 != null) {
                udp6.close();
            }
        } catch (IOException ignored) {
            // closing
        }
    }
}
