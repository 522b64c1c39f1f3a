package dev.peerlink.transfer.client;

import dev.peerlink.transfer.ContentId;

/**
 * What a send did: the content's code, whether any bytes had to be uploaded, how many chunk bytes were sent
 * (across reconnects), which tier delivers ({@code private} or {@code central}), the delivery id there, and
 * how many times the connection was resumed; {@code hashMillis} is the one read that builds the manifest, included in
 * {@code totalMillis}.
 */
public record SendResult(ContentId contentId, long size, boolean uploaded, long bytesSent, int chunksSent, int chunkCount,
                         String deliveredBy, long delivery, int resumes, long hashMillis, long totalMillis) {}
