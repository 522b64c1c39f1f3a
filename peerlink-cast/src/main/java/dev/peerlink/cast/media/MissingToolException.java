package dev.peerlink.cast.media;

/**
 * A tool the cast needs (ffmpeg, or a feature of it) is absent. The message is one line meant for the user as is: what
 * is missing and how to get it, so the CLI prints it without a stack trace.
 */
public final class MissingToolException extends Exception {
    static final String HOW_TO_INSTALL = "install it: Debian/Ubuntu `sudo apt-get install ffmpeg`, macOS `brew install ffmpeg`,"
            + " Windows `winget install Gyan.FFmpeg`, or point PEERLINK_FFMPEG at an ffmpeg executable";

    public MissingToolException(String message) {
        super(message, null, false, false);
    }
}
