package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.domain.SalesforceException;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Salesforce's top-level error body: {@code [{"message", "errorCode", "fields"}]}. */
final class Errors {

    private Errors() {
    }

    static MutableHttpResponse<Object> response(SalesforceException e) {
        return response(e.status(), e.errorCode(), e.getMessage(), e.fields());
    }

    static MutableHttpResponse<Object> response(int status, String errorCode, String message, List<String> fields) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("errorCode", errorCode);
        if (!fields.isEmpty()) {
            error.put("fields", fields);
        }
        return HttpResponse.status(HttpStatus.valueOf(status)).contentType(MediaType.APPLICATION_JSON_TYPE).body(List.of(error));
    }
}
