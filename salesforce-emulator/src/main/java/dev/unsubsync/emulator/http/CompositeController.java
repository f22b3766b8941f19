package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.domain.SalesforceException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code composite/batch} (up to 25 independent subrequests, {@code haltOnError}) and {@code composite} (up to 25
 * subrequests in order, a later one using an earlier one's answer through {@code @{referenceId.path}}). Each subrequest
 * is served by the emulator's own resources, so it follows every rule they follow; the composite call counts as one API
 * request, as Salesforce counts it. {@code composite} with {@code allOrNone: true} is refused: the emulator cannot roll
 * back subrequests already applied.
 */
@Controller("/services/data/{version}/composite")
@ExecuteOn(TaskExecutors.BLOCKING)
public class CompositeController {

    /** Marks the emulator's own subrequests, which are not counted again; random per process, so no caller can send it. */
    static final String SUBREQUEST = "X-Emulator-Subrequest";
    static final String SECRET = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private static final int MAX_SUBREQUESTS = 25;
    private static final Pattern REFERENCE = Pattern.compile("@\\{([A-Za-z0-9_]+)\\.([^}]+)}");

    private final JsonMapper json;
    private final HttpClient http = HttpClient.newHttpClient();

    public CompositeController(JsonMapper json) {
        this.json = json;
    }

    private record Answer(int status, Object body, String location) {
    }

    @Post(value = "/batch", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> batch(HttpRequest<?> request, @PathVariable String version, @Body String body) {
        Map<String, Object> parsed = Json.object(json, body);
        List<Map<String, Object>> subrequests = list(parsed.get("batchRequests"), "batchRequests");
        boolean haltOnError = Boolean.TRUE.equals(parsed.get("haltOnError"));
        List<Map<String, Object>> results = new ArrayList<>();
        boolean errors = false;
        for (Map<String, Object> sub : subrequests) {
            if (errors && haltOnError) {
                results.add(Map.of("statusCode", 412, "result", List.of(Map.of("errorCode", "BATCH_PROCESSING_HALTED",
                        "message", "Batch processing halted per request"))));
                continue;
            }
            String url = text(sub, "url");
            Answer answer = send(request, text(sub, "method"), "/services/data/" + (url.startsWith("/") ? url.substring(1) : url), sub.get("richInput"));
            errors |= answer.status() >= 400;
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("statusCode", answer.status());
            result.put("result", answer.body());
            results.add(result);
        }
        return Map.of("hasErrors", errors, "results", results);
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> composite(HttpRequest<?> request, @PathVariable String version, @Body String body) {
        Map<String, Object> parsed = Json.object(json, body);
        if (Boolean.TRUE.equals(parsed.get("allOrNone"))) {
            throw new SalesforceException(400, "INVALID_FIELD", "allOrNone true is not supported by this emulator (it cannot roll back subrequests)");
        }
        List<Map<String, Object>> subrequests = list(parsed.get("compositeRequest"), "compositeRequest");
        Map<String, Answer> answered = new LinkedHashMap<>();
        List<Map<String, Object>> responses = new ArrayList<>();
        for (Map<String, Object> sub : subrequests) {
            String referenceId = text(sub, "referenceId");
            Answer answer;
            try {
                String url = resolve(text(sub, "url"), answered);
                Object subBody = sub.get("body") == null ? null : json.readValue(resolve(json.writeValueAsString(sub.get("body")), answered), Object.class);
                answer = send(request, text(sub, "method"), url, subBody);
            } catch (IllegalStateException | IOException e) {
                answer = new Answer(400, List.of(Map.of("errorCode", "PROCESSING_HALTED", "message", e.getMessage())), null);
            }
            answered.put(referenceId, answer);
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("body", answer.body());
            response.put("httpHeaders", answer.location() == null ? Map.of() : Map.of("Location", answer.location()));
            response.put("httpStatusCode", answer.status());
            response.put("referenceId", referenceId);
            responses.add(response);
        }
        return Map.of("compositeResponse", responses);
    }

    /** Replaces each {@code @{ref.path}} with the value at {@code path} in {@code ref}'s answer. */
    private String resolve(String text, Map<String, Answer> answered) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Answer earlier = answered.get(m.group(1));
            if (earlier == null || earlier.status() >= 400) {
                throw new IllegalStateException("Invalid reference specified. No value for " + m.group(1) + "." + m.group(2)
                        + " found in " + m.group(1) + ". Provided referenceId ('" + m.group(1) + "') must be a prior successful subrequest.");
            }
            Object value = earlier.body();
            for (String step : m.group(2).split("\\.")) {
                Matcher indexed = Pattern.compile("([^\\[]+)(?:\\[(\\d+)])?").matcher(step);
                if (!indexed.matches() || !(value instanceof Map<?, ?> map)) {
                    throw new IllegalStateException("Invalid reference specified: " + m.group(0));
                }
                value = map.get(indexed.group(1));
                if (indexed.group(2) != null) {
                    value = value instanceof List<?> items && Integer.parseInt(indexed.group(2)) < items.size()
                            ? items.get(Integer.parseInt(indexed.group(2)))
                            : null;
                }
            }
            if (value == null) {
                throw new IllegalStateException("Invalid reference specified. No value for " + m.group(1) + "." + m.group(2) + " found");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private Answer send(HttpRequest<?> caller, String method, String path, Object body) {
        try {
            java.net.http.HttpRequest.Builder sub = java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + caller.getServerAddress().getPort() + path))
                    .header(HttpHeaders.AUTHORIZATION, caller.getHeaders().get(HttpHeaders.AUTHORIZATION))
                    .header(SUBREQUEST, SECRET).header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON)
                    .method(method, body == null
                            ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            if (body != null) {
                sub.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
            }
            HttpResponse<String> answer = http.send(sub.build(), HttpResponse.BodyHandlers.ofString());
            Object parsed = answer.body() == null || answer.body().isBlank() ? null : json.readValue(answer.body(), Object.class);
            return new Answer(answer.statusCode(), parsed, answer.headers().firstValue(HttpHeaders.LOCATION).orElse(null));
        } catch (IOException e) {
            return new Answer(500, List.of(Map.of("errorCode", "UNKNOWN_EXCEPTION", "message", e.getMessage())), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(500, List.of(Map.of("errorCode", "UNKNOWN_EXCEPTION", "message", "interrupted")), null);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value, String field) {
        if (!(value instanceof List<?> items) || items.isEmpty() || !items.stream().allMatch(Map.class::isInstance)) {
            throw new SalesforceException(400, "JSON_PARSER_ERROR", field + " must be a non-empty list of subrequests");
        }
        if (items.size() > MAX_SUBREQUESTS) {
            throw new SalesforceException(400, "LIMIT_EXCEEDED",
                    "A composite request can hold at most " + MAX_SUBREQUESTS + " subrequests, got " + items.size());
        }
        return (List<Map<String, Object>>) value;
    }

    private static String text(Map<String, Object> sub, String field) {
        if (!(sub.get(field) instanceof String value) || value.isBlank()) {
            throw new SalesforceException(400, "JSON_PARSER_ERROR", "every subrequest needs " + field);
        }
        return value;
    }
}
