package dev.peerlink.testkit.netns;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** Finds system executables; also looks in the sbin directories a non-login PATH often lacks. */
public final class Tools {
    private Tools() {
    }

    /** Absolute path of {@code name}, if an executable of that name exists. */
    public static Optional<Path> find(String name) {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isEmpty()) {
                    dirs.add(d);
                }
            }
        }
        dirs.add("/usr/sbin");
        dirs.add("/sbin");
        dirs.add("/usr/bin");
        dirs.add("/bin");
        for (String d : dirs) {
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Absolute path of {@code name}, or an exception naming the missing tool. */
    public static String require(String name) {
        return find(name).map(Path::toString)
                .orElseThrow(() -> new IllegalStateException("'" + name + "' not found on PATH or in /usr/sbin, /sbin"));
    }
}
