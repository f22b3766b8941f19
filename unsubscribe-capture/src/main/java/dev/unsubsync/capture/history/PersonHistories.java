package dev.unsubsync.capture.history;

import dev.unsubsync.schemas.PersonKey;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A person's history wherever it lives: read from this instance's store, or asked once of the instance that holds the
 * person (with this instance's own credential). The one way capture reads a history on a request's behalf: the history
 * API and the one-click page both use it.
 */
@io.micronaut.context.annotation.Requires(property = "capture.history.enabled", notEquals = "false")
@Singleton
public final class PersonHistories {

    /** What a lookup found. */
    public sealed interface Answer {
        /** The person's state and history. */
        record Found(HistoryController.Person person) implements Answer {
        }

        /** Nothing was ever recorded for the person. */
        record Absent() implements Answer {
        }

        /** Nobody can answer right now (a rebalance, a peer not answering): not the same as absent. */
        record Unavailable(String why) implements Answer {
        }
    }

    private final HistoryStreams history;
    private final PeerCalls peers;
    private final JsonMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    PersonHistories(HistoryStreams history, PeerCalls peers, JsonMapper json) {
        this.history = history;
        this.peers = peers;
        this.json = json;
    }

    /**
     * @param email     the person's address (any case)
     * @param forwarded whether another instance sent the query here: then it is not sent on again
     * @param timeout   longest a peer may take to answer
     */
    public Answer find(String email, boolean forwarded, Duration timeout) {
        String key = PersonKey.of(email);
        return switch (history.ownerOf(key)) {
            case HistoryStreams.Owner.Here here -> history.local(key).<Answer>map(h -> new Answer.Found(HistoryController.Person.of(key, h)))
                    .orElseGet(Answer.Absent::new);
            case HistoryStreams.Owner.There there when forwarded -> new Answer.Unavailable("forwarded here, but " + there.host() + ":"
                    + there.port() + " holds it now (a rebalance is under way)");
            case HistoryStreams.Owner.There there -> ask(there, email, timeout);
            case HistoryStreams.Owner.Unavailable none -> new Answer.Unavailable(none.why());
        };
    }

    private Answer ask(HistoryStreams.Owner.There there, String email, Duration timeout) {
        HttpRequest forward = peers.get(there.host(), there.port(), "/v1/unsubscribes/"
                + URLEncoder.encode(email, StandardCharsets.UTF_8).replace("+", "%20") + "?forwarded=true", timeout);
        String peer = there.host() + ":" + there.port();
        try {
            HttpResponse<byte[]> answer = http.send(forward, HttpResponse.BodyHandlers.ofByteArray());
            return switch (answer.statusCode()) {
                case 200 -> new Answer.Found(json.readValue(answer.body(), HistoryController.Person.class));
                case 404 -> new Answer.Absent();
                default -> new Answer.Unavailable("the instance holding this person (" + peer + ") answered " + answer.statusCode());
            };
        } catch (IOException e) {
            return new Answer.Unavailable("the instance holding this person (" + peer + ") did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.Unavailable("interrupted");
        }
    }
}
