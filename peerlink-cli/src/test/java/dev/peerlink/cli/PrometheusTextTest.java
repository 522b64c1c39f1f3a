package dev.peerlink.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    @Test
    void readsFamiliesSamplesAndEscapes() {
        PrometheusText p = PrometheusText.parse("""
                # HELP a_total Things \\\\ done\\n twice
                # TYPE a_total counter
                a_total{k="v\\"q\\\\\\n",z="1"} 3.0
                a_total 1e3 1700000000000
                # a plain comment
                # TYPE h histogram
                h_bucket{le="+Inf"} 2.0
                h_count 2
                h_sum 0.5
                g NaN
                """);
        assertThat(p.value("a_total", "k", "v\"q\\\n", "z", "1")).isEqualTo(3.0);
        assertThat(p.value("a_total")).isEqualTo(1000.0);
        assertThat(p.value("h_bucket", "le", "+Inf")).isEqualTo(2.0);
        assertThat(p.familyOf("h_sum")).isEqualTo("h");
        assertThat(p.types).containsEntry("a_total", "counter").containsEntry("h", "histogram");
        assertThat(p.value("g")).isNaN();
    }

    @Test
    void rejectsMalformedLines() {
        for (String bad : new String[] {
                "a{k=\"v\"} 1",                      // no final newline
                "a{k=v} 1\n",                        // unquoted value
                "a{k=\"v\\x\"} 1\n",                 // unknown escape
                "a{k=\"v\",k=\"w\"} 1\n",            // label twice
                "a{k=\"v\"}1\n",                     // no space
                "a{k=\"v\" 1\n",                     // unclosed
                "a one\n",                           // bad value
                "a 1 2 3\n",                         // trailing text
                "a 1 x\n",                           // bad timestamp
                "1a 1\n",                            // bad name
                "a{1k=\"v\"} 1\n",                   // bad label name
                "a 1\na 2\n",                        // series twice
                "a 1\n# TYPE a gauge\n",             // TYPE after samples
                "# TYPE a gauge\n# TYPE a gauge\n",  // TYPE twice
                "# TYPE a thing\n",                  // unknown type
                "# HELP a bad \\q escape\n",         // bad HELP escape
        }) {
            assertThatThrownBy(() -> PrometheusText.parse(bad)).as(bad).isInstanceOf(PrometheusText.FormatException.class);
        }
    }
}
