package dev.peerlink.testkit.netns;

import java.util.List;

/** Outcome of a finished command: exit code and captured output. */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** Returns this result, or throws with the command and its stderr when it failed. */
    public ExecResult orThrow() {
        if (!ok()) {
            throw new IllegalStateException("command failed (exit " + exitCode + "): "
                    + String.join(" ", command) + "\nstdout: " + stdout.strip() + "\nstderr: " + stderr.strip());
        }
        return this;
    }
}
