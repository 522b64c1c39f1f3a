package dev.peerlink.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4: {@code # HELP} and {@code # TYPE} lines, samples
 * {@code name{label="value",...} value [timestamp]} with label-value escapes (backslash, quote, newline). Anything else
 * is an error with its line number: unknown escapes, unquoted values, duplicate labels or series, a TYPE after its
 * samples, a sample whose name does not belong to the family its TYPE announced, trailing text.
 */
final class PrometheusText {
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Series(String name, Map<String, String> labels) {}

    final Map<String, String> types = new HashMap<>();
    final Map<String, String> help = new HashMap<>();
    final Map<Series, Double> samples = new LinkedHashMap<>();

    static final class FormatException extends RuntimeException {
        FormatException(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new FormatException(lines.length, "the exposition must end with a newline");
        }
        Set<String> familiesWithSamples = new java.util.HashSet<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int n = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                p.comment(line, n, familiesWithSamples);
                continue;
            }
            Series s = p.sample(line, n);
            familiesWithSamples.add(p.familyOf(s.name()));
        }
        return p;
    }

    private void comment(String line, int n, Set<String> familiesWithSamples) {
        String[] parts = line.split(" ", 4);
        if (parts.length < 3 || !parts[0].equals("#") || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
            return; // a plain comment
        }
        String name = parts[2];
        if (!METRIC.matcher(name).matches()) {
            throw new FormatException(n, "bad metric name " + name);
        }
        if (parts[1].equals("HELP")) {
            String doc = parts.length == 4 ? parts[3] : "";
            checkHelpEscapes(doc, n);
            if (help.put(name, doc) != null) {
                throw new FormatException(n, "second HELP for " + name);
            }
        } else {
            if (parts.length != 4 || !TYPES.contains(parts[3])) {
                throw new FormatException(n, "TYPE needs one of " + TYPES);
            }
            if (types.containsKey(name)) {
                throw new FormatException(n, "second TYPE for " + name);
            }
            if (familiesWithSamples.contains(name)) {
                throw new FormatException(n, "TYPE of " + name + " after its samples");
            }
            types.put(name, parts[3]);
        }
    }

    private static void checkHelpEscapes(String doc, int n) {
        for (int i = 0; i < doc.length(); i++) {
            if (doc.charAt(i) == '\\') {
                if (i + 1 >= doc.length() || (doc.charAt(i + 1) != '\\' && doc.charAt(i + 1) != 'n')) {
                    throw new FormatException(n, "bad escape in HELP");
                }
                i++;
            }
        }
    }

    /** The family a sample belongs to: its own name, or for histogram/summary parts the announced base name. */
    String familyOf(String sample) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum")) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                String t = types.get(base);
                if ("histogram".equals(t) || "summary".equals(t) && !suffix.equals("_bucket")) {
                    return base;
                }
            }
        }
        return sample;
    }

    private Series sample(String line, int n) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!METRIC.matcher(name).matches()) {
            throw new FormatException(n, "bad metric name '" + name + "'");
        }
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                if (i >= line.length()) {
                    throw new FormatException(n, "unclosed label set");
                }
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    throw new FormatException(n, "label without '='");
                }
                String label = line.substring(i, eq);
                if (!LABEL.matcher(label).matches()) {
                    throw new FormatException(n, "bad label name '" + label + "'");
                }
                i = eq + 1;
                if (i >= line.length() || line.charAt(i) != '"') {
                    throw new FormatException(n, "label value of " + label + " not quoted");
                }
                i++;
                StringBuilder v = new StringBuilder();
                while (true) {
                    if (i >= line.length()) {
                        throw new FormatException(n, "unterminated label value");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        if (i >= line.length()) {
                            throw new FormatException(n, "dangling escape");
                        }
                        char e = line.charAt(i++);
                        v.append(switch (e) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw new FormatException(n, "unknown escape \\" + e);
                        });
                    } else {
                        v.append(c);
                    }
                }
                if (labels.put(label, v.toString()) != null) {
                    throw new FormatException(n, "label " + label + " twice");
                }
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                } else if (i >= line.length() || line.charAt(i) != '}') {
                    throw new FormatException(n, "expected ',' or '}' after a label");
                }
            }
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new FormatException(n, "expected a space before the value");
        }
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length < 1 || rest.length > 2) {
            throw new FormatException(n, "expected a value and an optional timestamp");
        }
        double value = number(rest[0], n);
        if (rest.length == 2) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw new FormatException(n, "bad timestamp " + rest[1]);
            }
        }
        Series s = new Series(name, Map.copyOf(labels));
        if (samples.put(s, value) != null) {
            throw new FormatException(n, "series " + s + " twice");
        }
        return s;
    }

    private static double number(String s, int n) {
        switch (s) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                if (!s.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                    throw new FormatException(n, "bad value '" + s + "'");
                }
                return Double.parseDouble(s);
        }
    }

    /** The value of one series; {@code labels} as name, value pairs. Fails when there is no such series. */
    double value(String name, String... labels) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            want.put(labels[i], labels[i + 1]);
        }
        Double v = samples.get(new Series(name, Map.copyOf(want)));
        if (v == null) {
            throw new AssertionError("no series " + name + want + " in the exposition");
        }
        return v;
    }

    /** Every series of a name. */
    List<Map.Entry<Series, Double>> series(String name) {
        List<Map.Entry<Series, Double>> out = new ArrayList<>();
        samples.forEach((s, v) -> {
            if (s.name().equals(name)) {
                out.add(Map.entry(s, v));
            }
        });
        return out;
    }
}
