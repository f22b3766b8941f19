package dev.unsubsync.capture.history;

import dev.unsubsync.kit.kafka.RegistryErrors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history store's answer to a value it cannot decode: a record that is not ours is logged and passed over, as
 * before; a registry that cannot answer now fails the stream thread, which is replaced and reads the record again from
 * the last commit — a registry outage must not leave holes in people's histories.
 */
public class RegistryAwareDeserializationHandler extends LogAndContinueExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryAwareDeserializationHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (RegistryErrors.unavailable(exception)) {
            LOG.warn("History: {}-{}@{} waits for the schema registry ({}); the stream thread restarts and reads it again",
                    record.topic(), record.partition(), record.offset(), exception.toString());
            return Response.fail();
        }
        return super.handleError(context, record, exception);
    }
}
