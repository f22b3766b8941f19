package dev.unsubsync.capture.requests;

import dev.unsubsync.capture.api.UnsubscribeRequest;
import dev.unsubsync.schemas.PersonKey;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What makes a request on {@code unsubscribe-requests} the same event when read again. */
final class RequestKeys {

    private RequestKeys() {
    }

    /**
     * What identifies a request without an {@code upstreamEventId}, so that read again it is the same event: the record's
     * key when it is the sender's id for the request, else (no key, or the key is the person's address, which names the
     * person, not the request) its place in the topic — a person's second unsubscribe keyed by their email is a new event,
     * not a repeat of the first.
     */
    static String idempotencyKey(ConsumerRecord<byte[], byte[]> record, UnsubscribeRequest request) {
        String place = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (record.key() == null || record.key().length == 0) {
            return place;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        try {
            if (request.email() != null && PersonKey.of(key).equals(PersonKey.of(request.email()))) {
                return place;
            }
        } catch (IllegalArgumentException notAnAddress) {
            // A request id, not an address.
        }
        return key;
    }
}
