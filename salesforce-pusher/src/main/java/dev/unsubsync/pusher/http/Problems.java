package dev.unsubsync.pusher.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.util.Map;

/** The pusher API's error answers: a JSON object with a title, the status and a detail a person can act on. */
final class Problems {

    private Problems() {
    }

    static MutableHttpResponse<Map<String, Object>> response(HttpStatus status, String title, String detail) {
        return HttpResponse.<Map<String, Object>>status(status).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(Map.of("title", title, "status", status.getCode(), "detail", detail));
    }
}
