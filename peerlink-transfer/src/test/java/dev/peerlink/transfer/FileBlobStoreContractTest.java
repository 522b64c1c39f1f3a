package dev.peerlink.transfer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shared {@link BlobStoreContract} on a {@link FileBlobStore}. */
class FileBlobStoreContractTest extends BlobStoreContract {
    private FileBlobStore store;

    @Override
    BlobStore store() throws Exception {
        store = FileBlobStore.open(dir.resolve("blobs"), MAX_BLOB);
        return store;
    }

    @Override
    List<String> storedObjects() throws Exception {
        try (Stream<Path> all = Files.walk(store.root())) { // includes tmp/: a leftover temp file counts
            return all.filter(Files::isRegularFile).map(p -> store.root().relativize(p).toString()).toList();
        }
    }
}
