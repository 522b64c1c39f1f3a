package dev.peerlink.cli;

import dev.peerlink.transfer.client.TransferClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A device's inbox on its server and, when that is a private tier, on the central server it names: lists items,
 * downloads, verifies, saves and acknowledges them, and follows pushes (re-subscribing after a dropped connection).
 * Shared by {@code peerlink inbox} and {@code peerlink peer --inbox}.
 */
final class InboxReceiver implements AutoCloseable {
    /** One item handled; {@code saved}/{@code text} null when only listed. */
    interface Sink {
        void item(TransferClient.InboxItem item, Path saved, String text);
    }

    @FunctionalInterface
    interface Connector {
        TransferClient connect(URI url) throws IOException;
    }

    private final List<TransferClient> clients = new ArrayList<>();
    private final LinkedBlockingQueue<Object[]> pushed = new LinkedBlockingQueue<>();
    private final Set<String> done = new HashSet<>();
    private final Path saveDir;
    private final Sink sink;

    private InboxReceiver(Path saveDir, Sink sink) {
        this.saveDir = saveDir;
        this.sink = sink;
    }

    static InboxReceiver open(Connector connector, URI home, Path saveDir, Sink sink) throws IOException {
        return open(connector, home, saveDir, sink, true);
    }

    /** With {@code andCentral} false, only the server at {@code url} (a notice names where its delivery waits). */
    static InboxReceiver open(Connector connector, URI url, Path saveDir, Sink sink, boolean andCentral) throws IOException {
        InboxReceiver r = new InboxReceiver(saveDir, sink);
        TransferClient h = connector.connect(url);
        r.clients.add(h);
        if (andCentral && h.welcome().central() != null) {
            try {
                r.clients.add(connector.connect(TransferClient.endpoint(h.welcome().central().toString())));
            } catch (IOException e) {
                System.err.println("inbox: central server " + h.welcome().central() + " unreachable: " + e.getMessage());
            }
        }
        return r;
    }

    /** The transfer endpoint of the central server the first server names, or null (it is a central itself). */
    URI central() {
        URI c = clients.get(0).welcome().central();
        return c == null ? null : TransferClient.endpoint(c.toString());
    }

    /** Handles what waits now; with {@code subscribe}, later pushes queue up for {@link #follow}. Returns the count. */
    int drain(boolean subscribe) throws IOException {
        int n = 0;
        for (TransferClient c : clients) {
            for (TransferClient.InboxItem item : c.inbox(subscribe ? i -> pushed.add(new Object[] {c, i}) : null)) {
                handle(c, item);
                n++;
            }
        }
        return n;
    }

    /** Handles pushes until interrupted; a dropped connection is re-subscribed (picking up what came meanwhile). */
    void follow() throws InterruptedException {
        while (!Thread.currentThread().isInterrupted()) {
            Object[] next = pushed.poll(1, TimeUnit.SECONDS);
            try {
                if (next != null) {
                    handle((TransferClient) next[0], (TransferClient.InboxItem) next[1]);
                }
                for (TransferClient c : clients) {
                    if (!c.isConnected()) {
                        for (TransferClient.InboxItem item : c.inbox(i -> pushed.add(new Object[] {c, i}))) {
                            handle(c, item);
                        }
                    }
                }
            } catch (IOException e) {
                System.err.println("inbox: " + e.getMessage() + " (retrying)");
                Thread.sleep(1000); // reconnect backoff
            }
        }
    }

    private void handle(TransferClient c, TransferClient.InboxItem item) throws IOException {
        if (!done.add(c.url() + "#" + item.delivery())) {
            return; // announced again before our ack arrived
        }
        Path saved = null;
        String text = null;
        if (saveDir != null) {
            saved = c.download(item, saveDir);
            if (item.name() == null && item.size() <= 64 * 1024) {
                text = Files.readString(saved);
            }
            c.ack(item.delivery());
        }
        sink.item(item, saved, text);
    }

    @Override
    public void close() {
        clients.forEach(TransferClient::close);
    }
}
