package dev.unsubsync.emulator.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ConversionErrorHandler;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.UnsatisfiedRouteHandler;
import io.micronaut.web.router.exceptions.UnsatisfiedRouteException;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * A request the framework cannot bind (a parameter of the wrong type, a required one missing) answers in Salesforce's
 * error shape, as Salesforce answers a malformed request: {@code 400 MALFORMED_QUERY}-style codes, never the framework's
 * own JSON.
 */
final class FrameworkErrorHandlers {

    private FrameworkErrorHandlers() {
    }

    /** A parameter that does not convert ({@code maxRecords=abc}). */
    @Singleton
    @Replaces(ConversionErrorHandler.class)
    static class Unconvertible implements ExceptionHandler<ConversionErrorException, HttpResponse<?>> {
        @Override
        @SuppressWarnings("rawtypes") // ExceptionHandler declares the request raw
        public HttpResponse<?> handle(HttpRequest request, ConversionErrorException e) {
            return Errors.response(400, "INVALID_FIELD",
                    "Invalid value for " + e.getArgument().getName() + ": " + e.getConversionError().getCause().getMessage(),
                    List.of(e.getArgument().getName()));
        }
    }

    /** A required parameter or body that is missing. */
    @Singleton
    @Replaces(UnsatisfiedRouteHandler.class)
    static class Unsatisfied implements ExceptionHandler<UnsatisfiedRouteException, HttpResponse<?>> {
        @Override
        @SuppressWarnings("rawtypes") // ExceptionHandler declares the request raw
        public HttpResponse<?> handle(HttpRequest request, UnsatisfiedRouteException e) {
            return Errors.response(400, "MISSING_ARGUMENT", "Required " + e.getArgument().getName() + " is missing", List.of(e.getArgument().getName()));
        }
    }
}
