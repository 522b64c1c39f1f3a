package dev.peerlink.share.qos;

/** A {@link QosStore} could not read or write its buckets (I/O, SQL, or corrupt stored data). */
public class QosStoreException extends RuntimeException {
    public QosStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public QosStoreException(String message) {
        super(message);
    }
}
