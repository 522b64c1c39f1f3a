package dev.peerlink.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peerlink.transfer.client.TransferClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
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
        try (InboxReceiver inbox = InboxReceiver.open(device::connect, device.url(), save, this::print)) {
            int n = inbox.drain(follow);
            if (!json && n == 0 && !follow) {
                System.out.println("inbox empty");
            }
            if (follow) {
                inbox.follow();
            }
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("peerlink inbox: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            return 0;
        }
    }

    private void print(TransferClient.InboxItem item, Path saved, String text) {
        if (json) {
            System.out.println(jsonOf(null, item, saved, text));
        } else {
            System.out.printf(Locale.ROOT, "%d from %s: %s (%s, %s) via %s%s%n", item.delivery(), item.from(),
                    item.name() == null ? "text message" : item.name(), human(item.size()), item.contentId(), item.deliveredBy(),
                    saved == null ? "" : " -> " + saved + (text == null ? "" : ": " + text));
        }
        System.out.flush();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One item as a JSON object; {@code event} (peer's stderr events) comes first when given. */
    static String jsonOf(String event, TransferClient.InboxItem item, Path saved, String text) {
        ObjectNode n = JSON.createObjectNode();
        if (event != null) {
            n.put("event", event);
        }
        n.put("delivery", item.delivery()).put("contentId", item.contentId().toString()).put("size", item.size())
                .put("from", item.from()).put("name", item.name()).put("deliveredBy", item.deliveredBy());
        if (saved != null) {
            n.put("saved", saved.toString());
        }
        if (text != null) {
            n.put("text", text);
        }
        return n.toString();
    }

    /** A signalling {@code delivery} notice as a stderr event (what {@code peer} prints without {@code --inbox}). */
    static String jsonOf(dev.peerlink.protocol.Message.Delivery d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("event", "delivery").put("delivery", d.delivery()).put("contentId", d.contentId()).put("size", d.size())
                .put("from", d.from()).put("name", d.name()).put("server", d.server());
        return n.toString();
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
