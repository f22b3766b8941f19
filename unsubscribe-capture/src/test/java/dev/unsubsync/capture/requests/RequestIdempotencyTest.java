package dev.unsubsync.capture.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.unsubsync.capture.api.UnsubscribeRequest;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What makes a request on {@code unsubscribe-requests} the same event when read again, and a new one when sent again. */
class RequestIdempotencyTest {

    private static final UnsubscribeRequest ADA = new UnsubscribeRequest("Ada@Example.com", null, "api", null, null, null, null, null, null);

    private static ConsumerRecord<byte[], byte[]> at(long offset, String key) {
        return new ConsumerRecord<>("unsubscribe-requests", 2, offset, key == null ? null : key.getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    @Test
    void requestsKeyedByThePersonsEmailAreNewEventsEachTime() {
        // Unsubscribe, removal by an admin, unsubscribe again: both unsubscribes keyed by the address must be recorded.
        String first = RequestKeys.idempotencyKey(at(10, "ada@example.com"), ADA);
        String second = RequestKeys.idempotencyKey(at(57, " ADA@example.COM"), ADA);
        assertNotEquals(first, second);
        assertEquals(first, RequestKeys.idempotencyKey(at(10, "ada@example.com"), ADA), "the same record read again is the same event");
    }

    @Test
    void aSendersRequestIdStillIdentifiesTheRequestWhereverItLands() {
        assertEquals("req-7", RequestKeys.idempotencyKey(at(10, "req-7"), ADA));
        assertEquals(RequestKeys.idempotencyKey(at(10, "req-7"), ADA), RequestKeys.idempotencyKey(at(99, "req-7"), ADA));
    }

    @Test
    void aRecordWithoutAKeyIsIdentifiedByItsPlace() {
        assertEquals("unsubscribe-requests-2@10", RequestKeys.idempotencyKey(at(10, null), ADA));
    }
}
