package dev.unsubsync.kit.http;

import dev.unsubsync.kit.security.ApiKeys;
import io.micronaut.http.HttpRequest;
import java.util.Optional;

/**
 * A way a {@code /v1} request may say who sends it besides a bearer key (a console session cookie, another instance's
 * credential). {@link ApiFilter} asks each source in order; the first that recognises the request decides, and a request
 * none recognises must carry a bearer key.
 */
public interface CallerSource {

    /** Who sends the request, or why it is refused; empty when this source does not apply to it. */
    Optional<ApiKeys.Authentication> authenticate(HttpRequest<?> request);
}
