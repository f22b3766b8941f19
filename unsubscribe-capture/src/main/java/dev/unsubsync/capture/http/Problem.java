package dev.unsubsync.capture.http;

import dev.unsubsync.capture.domain.FieldError;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * An RFC 9457 problem body ({@code application/problem+json}): what went wrong, and for invalid input each field and
 * why.
 */
@Serdeable
public record Problem(String type, String title, int status, String detail, @Nullable List<FieldError> errors) {

    static final MediaType PROBLEM_JSON = MediaType.of("application/problem+json");

    static MutableHttpResponse<Problem> response(HttpStatus status, String type, String title, String detail, @Nullable List<FieldError> errors) {
        return HttpResponse.<Problem>status(status)
                .contentType(PROBLEM_JSON)
                .body(new Problem("https://unsubsync.dev/problems/" + type, title, status.getCode(), detail, errors));
    }
}
