package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.domain.SalesforceException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Answers a refused request with Salesforce's status and error body. */
@Singleton
public class SalesforceExceptionHandler implements ExceptionHandler<SalesforceException, HttpResponse<?>> {

    @Override
    @SuppressWarnings("rawtypes") // ExceptionHandler declares the request raw
    public HttpResponse<?> handle(HttpRequest request, SalesforceException exception) {
        return Errors.response(exception);
    }
}
