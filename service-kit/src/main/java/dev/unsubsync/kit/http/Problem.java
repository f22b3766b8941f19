package dev.unsubsync.kit.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * The one error shape of every service: an RFC 9457 problem ({@code application/problem+json}) saying what went wrong
 * in words a person can act on, and for invalid input each field and why.
 */
@Serdeable
public record Problem(String type, String title, int status, String detail, @Nullable List<Field> errors) {

    /** The media type of a problem. */
    public static final MediaType PROBLEM_JSON = MediaType.of("application/problem+json");

    /** One field of a request that is wrong, and why. */
    @Serdeable
    public record Field(String field, String message) {
    }

    /** A problem answer; {@code type} is the last part of its type URI ({@code invalid-request}). */
    public static MutableHttpResponse<Problem> response(HttpStatus status, String type, String title, String detail) {
        return response(status, type, title, detail, null);
    }

    /** A problem answer naming the fields at fault. */
    public static MutableHttpResponse<Problem> response(HttpStatus status, String type, String title, String detail, @Nullable List<Field> errors) {
        return HttpResponse.<Problem>status(status)
                .contentType(PROBLEM_JSON)
                .body(new Problem("https://unsubsync.dev/problems/" + type, title, status.getCode(), detail, errors));
    }
}
