package dev.peerlink.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The closing table of the share benchmark: each figure beside the reference measured in the same run. */
final class ShareSummary {
    private record Row(String measure, String value, String reference, String ratio) {}

    private final List<Row> rows = new ArrayList<>();

    void add(String measure, String value, String reference, String ratio) {
        rows.add(new Row(measure, value, reference, ratio));
    }

    void print() {
        System.out.println("| measure | peerlink | reference (same run) | ratio |");
        System.out.println("|---|---|---|---|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", r.measure, r.value, r.reference, r.ratio);
        }
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
