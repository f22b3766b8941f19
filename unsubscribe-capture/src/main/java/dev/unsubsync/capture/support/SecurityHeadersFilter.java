package dev.unsubsync.capture.support;

import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * The pages people open in a browser — the admin console ({@code /admin}) and one-click unsubscribe pages ({@code /u})
 * — load only their own files, cannot be framed (no clickjacking of "Unsubscribe" or "Remove unsubscribe"), are never
 * sniffed into another content type, and leak no link (with its token) in a {@code Referer}.
 */
@ServerFilter({"/admin/**", "/admin", "/u/**"})
public class SecurityHeadersFilter {

    /** Own files only; no inline script; no framing; forms post back here only. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @ResponseFilter
    public void secure(MutableHttpResponse<?> response) {
        response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.header("X-Frame-Options", "DENY");
        response.header("X-Content-Type-Options", "nosniff");
        response.header("Referrer-Policy", "no-referrer");
    }
}
