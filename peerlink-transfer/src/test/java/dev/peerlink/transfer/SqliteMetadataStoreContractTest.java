package dev.peerlink.transfer;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteMetadataStoreContractTest extends MetadataStoreContract {
    @TempDir
    Path dir;
    private int files;

    @Override
    protected Storage newStorage() {
        Path file = dir.resolve("meta-" + ++files).resolve("transfer.db");
        return () -> SqliteMetadataStore.open(file);
    }
}
