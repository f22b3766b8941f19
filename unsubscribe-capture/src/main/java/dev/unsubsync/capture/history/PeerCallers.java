package dev.unsubsync.capture.history;

import dev.unsubsync.kit.http.CallerSource;
import dev.unsubsync.kit.security.ApiKeys;
import dev.unsubsync.kit.security.Scope;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.Set;

/**
 * Another capture instance asking on a caller's behalf, with its {@link PeerCredential}: good for that one {@code GET}
 * and nothing else. The instance that forwards has already checked the caller's key and scope.
 */
@Singleton
class PeerCallers implements CallerSource, Ordered {

    /** The caller name of another capture instance. */
    static final String PEER = "peer";

    private final PeerCredential peers;

    PeerCallers(PeerCredential peers) {
        this.peers = peers;
    }

    @Override
    public Optional<ApiKeys.Authentication> authenticate(HttpRequest<?> request) {
        String presented = request.getHeaders().get(PeerCredential.HEADER);
        if (presented == null) {
            return Optional.empty();
        }
        return Optional.of(request.getMethod() == HttpMethod.GET && peers.verify(presented, "GET", PeerCredential.pathAndQuery(request.getUri()))
                ? new ApiKeys.Authentication.Caller(PEER, Set.of(Scope.ADMIN))
                : new ApiKeys.Authentication.Refused("the peer credential is not valid for this request"));
    }

    @Override
    public int getOrder() {
        return 0;
    }
}
