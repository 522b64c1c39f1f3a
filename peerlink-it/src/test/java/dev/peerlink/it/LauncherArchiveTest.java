package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./peerlink} launcher's class archive (docs/cli.md, "Start-up"): the first run of a command writes it,
 * the next maps it, and neither puts anything on stdout but the command's own output (a {@code connect} carries data
 * there). Runs a copy of the launcher and the built jar, without sources beside them, so it never rebuilds.
 */
class LauncherArchiveTest {
    static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
    static final Path JAR = REPO.resolve("peerlink-cli/target/peerlink.jar");

    @TempDir
    Path dir;

    @Test
    void theFirstRunWritesTheArchiveTheSecondMapsItAndStdoutStaysTheCommands() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "no " + JAR + " (peerlink-cli not packaged in this build)");
        Path launcher = copy();
        Run first = run(launcher, List.of());
        assertThat(first.exit()).as(first.stderr()).isZero();
        assertThat(first.stdout()).isEqualTo("peerlink development build\n");
        Path cds = dir.resolve("peerlink-cli/target/cds");
        List<Path> archives;
        try (Stream<Path> s = Files.list(cds)) {
            archives = s.filter(p -> p.getFileName().toString().startsWith("other-")).toList();
        }
        assertThat(archives).as("one archive for '--version' (a name the launcher files as 'other')").hasSize(1);

        Path classes = dir.resolve("classes.log");
        Run second = run(launcher, List.of("PEERLINK_JAVA_OPTS=-Xlog:class+load=info:file=" + classes));
        assertThat(second.exit()).as(second.stderr()).isZero();
        assertThat(second.stdout()).isEqualTo("peerlink development build\n");
        assertThat(second.stderr()).as("nothing about the archive on a run that maps it").isEmpty();
        // the CLI's own classes came from the archive, not from the jar
        assertThat(Files.readAllLines(classes)).anyMatch(l -> l.contains("dev.peerlink.cli.Main ") && l.contains("shared objects file"));
    }

    private Path copy() throws IOException {
        Files.createDirectories(dir.resolve("scripts"));
        Files.createDirectories(dir.resolve("peerlink-cli/target"));
        Files.copy(REPO.resolve("peerlink"), dir.resolve("peerlink"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(REPO.resolve("scripts/env.sh"), dir.resolve("scripts/env.sh"));
        Files.copy(JAR, dir.resolve("peerlink-cli/target/peerlink.jar"), StandardCopyOption.COPY_ATTRIBUTES);
        return dir.resolve("peerlink");
    }

    record Run(int exit, String stdout, String stderr) {}

    private Run run(Path launcher, List<String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "--version");
        for (String e : env) {
            int eq = e.indexOf('=');
            pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        pb.environment().remove("PEERLINK_CDS");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
