package dev.unsubsync.reconciler.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.serde.annotation.Serdeable;

/** An RFC 9457 problem body ({@code application/problem+json}), shaped as capture's. */
@Serdeable
public record Problem(String type, String title, int status, String detail) {

    static MutableHttpResponse<Problem> response(HttpStatus status, String type, String title, String detail) {
        return HttpResponse.<Problem>status(status)
                .contentType(MediaType.of("application/problem+json"))
                .body(new Problem("https://unsubsync.dev/problems/" + type, title, status.getCode(), detail));
    }
}
