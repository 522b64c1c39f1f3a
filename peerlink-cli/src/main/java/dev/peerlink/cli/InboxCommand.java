package dev.peerlink.cli;

import dev.peerlink.transfer.client.TransferClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "inbox", mixinStandardHelpOptions = true,
        description = {"Lists what was sent to this device, on its server and (for a private server) on that server's central",
                "server; with --save downloads, verifies, saves and acknowledges each item (text messages are printed too).",
                "--follow keeps listening and saves new items as they are pushed (until Ctrl-C)."})
final class InboxCommand implements Callable<Integer> {
    @Option(names = "--save", paramLabel = "DIR", description = "Download, verify and acknowledge items into DIR.")
    Path save;

    @Option(names = "--follow", description = "Keep listening (needs --save).")
    boolean follow;

    @Option(names = "--json", description = "One JSON object per item.")
    boolean json;

    @Mixin
    TransferDevice device;


    @Override
    public Integer call() {
        if (follow && save == null) {
            System.err.println("peerlink inbox: --follow needs --save DIR");
            return 1;
        }
        List<TransferClient> clients = new ArrayList<>();
        LinkedBlockingQueue<Object[]> pushed = new LinkedBlockingQueue<>();
        try {
            TransferClient home = device.connect(device.url());
            clients.add(home);
            if (home.welcome().central() != null) {
                try {
                    clients.add(device.connect(TransferClient.endpoint(home.welcome().central().toString())));
                } catch (IOException e) {
                    System.err.println("peerlink inbox: central server " + home.welcome().central() + " unreachable: " + e.getMessage());
                }
            }
            int n = 0;
            for (TransferClient c : clients) {
                for (TransferClient.InboxItem item : c.inbox(follow ? i -> pushed.add(new Object[] {c, i}) : null)) {
                    handle(c, item);
                    n++;
                }
            }
            if (!json && n == 0 && !follow) {
                System.out.println("inbox empty");
            }
            while (follow) {
                Object[] next = pushed.poll(1, TimeUnit.SECONDS);
                if (next != null) {
                    handle((TransferClient) next[0], (TransferClient.InboxItem) next[1]);
                }
                for (TransferClient c : clients) {
                    if (!c.isConnected()) { // dropped (server restart): subscribe again, pick up what came meanwhile
                        try {
                            for (TransferClient.InboxItem item : c.inbox(i -> pushed.add(new Object[] {c, i}))) {
                                handle(c, item);
                            }
                        } catch (IOException e) {
                            System.err.println("peerlink inbox: " + c.url() + ": " + e.getMessage() + " (retrying)");
                        }
                    }
                }
            }
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("peerlink inbox: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            return 0;
        } finally {
            clients.forEach(TransferClient::close);
        }
    }

    private final java.util.Set<String> done = new java.util.HashSet<>();

    private void handle(TransferClient c, TransferClient.InboxItem item) throws IOException {
        String key = c.url() + "#" + item.delivery();
        if (!done.add(key)) {
            return; // announced again before our ack arrived
        }
        Path saved = null;
        String text = null;
        if (save != null) {
            saved = c.download(item, save);
            if (item.name() == null && item.size() <= 64 * 1024) {
                text = Files.readString(saved);
            }
            c.ack(item.delivery());
        }
        if (json) {
            System.out.printf(Locale.ROOT, "{\"delivery\":%d,\"contentId\":\"%s\",\"size\":%d,\"from\":%s,\"name\":%s,\"deliveredBy\":\"%s\""
                            + "%s%s}%n", item.delivery(), item.contentId(), item.size(), quote(item.from()),
                    item.name() == null ? "null" : quote(item.name()), item.deliveredBy(),
                    saved == null ? "" : ",\"saved\":" + quote(saved.toString()), text == null ? "" : ",\"text\":" + quote(text));
        } else {
            System.out.printf(Locale.ROOT, "%d from %s: %s (%s, %s) via %s%s%n", item.delivery(), item.from(),
                    item.name() == null ? "text message" : item.name(), human(item.size()), item.contentId(), item.deliveredBy(),
                    saved == null ? "" : " -> " + saved + (text == null ? "" : ": " + text));
        }
        System.out.flush();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
