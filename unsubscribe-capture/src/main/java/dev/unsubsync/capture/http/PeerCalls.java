package dev.unsubsync.capture.http;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import java.util.Optional;

/** Calls one capture instance makes to another on a caller's behalf (a forwarded history query, a share of the daily counts). */
final class PeerCalls {

    private PeerCalls() {
    }

    /** The caller's own credentials travel with the call: a bearer key, or the console's session cookie. */
    static java.net.http.HttpRequest.Builder withCallerCredentials(HttpRequest<?> caller, java.net.http.HttpRequest.Builder call) {
        Optional.ofNullable(caller.getHeaders().get(HttpHeaders.AUTHORIZATION)).ifPresent(value -> call.header(HttpHeaders.AUTHORIZATION, value));
        Optional.ofNullable(caller.getHeaders().get(HttpHeaders.COOKIE)).ifPresent(value -> call.header(HttpHeaders.COOKIE, value));
        return call;
    }
}
