package dev.peerlink.share.index.internal;

import com.uber.h3core.H3Core;
import java.io.IOException;
import java.io.UncheckedIOException;

/** One {@link H3Core} per process: creating it unpacks and loads a native library, and it is thread-safe. */
public final class SharedH3 {
    private SharedH3() {}

    public static H3Core core() {
        return Holder.CORE;
    }

    private static final class Holder {
        static final H3Core CORE = load();

        private static H3Core load() {
            try {
                return H3Core.newInstance();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the H3 native library", e);
            }
        }
    }
}
