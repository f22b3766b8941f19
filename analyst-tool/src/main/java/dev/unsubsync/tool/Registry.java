package dev.unsubsync.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/** The schemas, from the registry's Confluent-compatible API, each fetched once. */
public final class Registry {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI ccompat;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();

    Registry(URI ccompat) {
        this.ccompat = ccompat;
    }

    /** A subject's latest version. */
    public record Latest(String subject, int id, int version, Schema schema) {
    }

    /** The writer schema of a value with this id. */
    public Schema byId(int id) {
        Schema known = byId.get(id);
        if (known != null) {
            return known;
        }
        JsonNode answer = get("/schemas/ids/" + id).orElseThrow(() -> new ToolException(ToolException.NO,
                "the registry at " + ccompat + " has no schema with id " + id + " (is it the registry these topics were written with?)"));
        Schema schema = parse(answer.path("schema").asText(), "id " + id);
        byId.put(id, schema);
        return schema;
    }

    /** Every subject the registry lists. */
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        get("/subjects").ifPresent(list -> list.forEach(s -> subjects.add(s.asText())));
        return subjects;
    }

    /** A subject's latest version, if the subject exists. */
    public Optional<Latest> latest(String subject) {
        return get("/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions/latest")
                .map(v -> new Latest(subject, v.path("id").asInt(), v.path("version").asInt(), parse(v.path("schema").asText(), subject)));
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new ToolException(ToolException.NO, "the registry's schema for " + what + " is not valid Avro: " + e.getMessage());
        }
    }

    private Optional<JsonNode> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(ccompat + path)).timeout(Duration.ofSeconds(15))
                .header("Accept", "application/json").GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new ToolException(ToolException.UNAVAILABLE, "the registry at " + ccompat + " answered " + response.statusCode() + " to GET "
                        + path + ": " + abbreviate(response.body()));
            }
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new ToolException(ToolException.UNAVAILABLE, "the registry at " + ccompat + " did not answer (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException(ToolException.UNAVAILABLE, "interrupted");
        }
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
