package dev.peerlink.share.qos.internal;

import com.uber.h3core.H3Core;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one shared {@link H3Core}: creating it loads a native library, so it is done once, on first use. */
public final class H3Cells {
    private H3Cells() {}

    private static final class Holder {
        static final H3Core H3 = create();

        private static H3Core create() {
            try {
                return H3Core.newInstance();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the H3 native library", e);
            }
        }
    }

    /** Thread-safe: H3Core holds no mutable state. */
    public static H3Core h3() {
        return Holder.H3;
    }
}
