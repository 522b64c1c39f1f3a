package dev.peerlink.server.admin;

import dev.peerlink.server.admin.internal.SecretFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where the admin token comes from: given, else {@value #ENV}, else generated once and kept in the data directory. */
public final class AdminToken {
    private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);
    public static final String FILE = "admin.token";
    public static final String ENV = "PEERLINK_ADMIN_TOKEN";

    private AdminToken() {}

    /**
     * The token to require. {@code env} is the value of {@value #ENV} (null when unset). Without a data directory a
     * generated token lives only as long as the process (and is useless to anyone: it is never printed).
     */
    public static String resolve(Optional<String> given, String env, Optional<Path> dataDir) throws IOException {
        if (given.isPresent()) {
            LOG.info("admin listener: token from --admin-token");
            return given.get();
        }
        if (env != null && !env.isBlank()) {
            LOG.info("admin listener: token from ${}", ENV);
            return env.strip();
        }
        if (dataDir.isEmpty()) {
            LOG.warn("admin listener: no token given and no data directory; requests needing a token will all be refused");
            return SecretFiles.random(32);
        }
        Path file = dataDir.get().resolve(FILE);
        String token = SecretFiles.loadOrCreate(file, 32);
        LOG.info("admin listener: token in {} (owner-only)", file);
        return token;
    }
}
