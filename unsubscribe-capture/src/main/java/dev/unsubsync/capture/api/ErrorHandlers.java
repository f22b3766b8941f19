package dev.unsubsync.capture.api;

import dev.unsubsync.kit.http.Problem;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.codec.CodecException;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.List;

/** Maps domain failures to problem responses. */
final class ErrorHandlers {

    private ErrorHandlers() {
    }

    /** Invalid input: 400, every field and why. */
    @Singleton
    @Requires(classes = InvalidUnsubscribeException.class)
    static class Invalid implements ExceptionHandler<InvalidUnsubscribeException, HttpResponse<?>> {
        @Override
        @SuppressWarnings("rawtypes") // ExceptionHandler declares the request raw
        public HttpResponse<?> handle(HttpRequest request, InvalidUnsubscribeException e) {
            return Problem.response(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage(),
                    e.errors().stream().map(error -> new Problem.Field(error.field(), error.message())).toList());
        }
    }

    /** Kafka did not acknowledge: 503 so the sender retries; nothing is reported as recorded. */
    @Singleton
    static class NotDurable implements ExceptionHandler<EventNotDurableException, HttpResponse<?>> {
        @Override
        @SuppressWarnings("rawtypes") // ExceptionHandler declares the request raw
        public HttpResponse<?> handle(HttpRequest request, EventNotDurableException e) {
            return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "not-durable", "Not recorded, retry",
                    "The unsubscribe could not be stored durably (" + e.getMessage() + "). Nothing was recorded; retry later.", null)
                    .header("Retry-After", "5");
        }
    }

    /** A body that is not JSON, or JSON of the wrong shape: 400. */
    @Singleton
    static class Unreadable implements ExceptionHandler<CodecException, HttpResponse<?>> {
        @Override
        @SuppressWarnings("rawtypes") // ExceptionHandler declares the request raw
        public HttpResponse<?> handle(HttpRequest request, CodecException e) {
            return Problem.response(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid unsubscribe",
                    "the request body is not valid JSON: " + e.getMessage(), List.of());
        }
    }

    /** A JSON value of the wrong type (a number where text is expected, say): 400. */
    @Singleton
    static class Unconvertible implements ExceptionHandler<ConversionErrorException, HttpResponse<?>> {
        @Override
        @SuppressWarnings("rawtypes") // ExceptionHandler declares the request raw
        public HttpResponse<?> handle(HttpRequest request, ConversionErrorException e) {
            return Problem.response(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid unsubscribe",
                    "the request body could not be read: " + e.getMessage(), List.of());
        }
    }
}
