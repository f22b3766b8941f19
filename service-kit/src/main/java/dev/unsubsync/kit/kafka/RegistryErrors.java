package dev.unsubsync.kit.kafka;

import com.microsoft.kiota.ApiException;
import io.vertx.core.VertxException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Tells an outage of the schema registry from a record that can never be decoded. A value whose schema cannot be fetched
 * because the registry is down, overloaded or slow is not poison: it must wait and be read again, never be dead-lettered
 * or skipped. Only what the registry answered (an unknown id: 404) or what the bytes themselves say (a wrong magic byte,
 * an Avro body that does not decode) is final.
 */
public final class RegistryErrors {

    private RegistryErrors() {
    }

    /** Whether {@code failure} (anywhere in its causes) means the registry could not answer now. */
    public static boolean unavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            // Refused or reset connections, timeouts; Vert.x's closed-connection error (the client's transport) too.
            if (cause instanceof IOException || cause instanceof TimeoutException || cause instanceof VertxException) {
                return true;
            }
            if (cause instanceof ApiException answer) {
                int status = answer.getResponseStatusCode();
                return status >= 500 || status == 408 || status == 429;
            }
        }
        return false;
    }
}
