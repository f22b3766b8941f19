package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.domain.SalesforceException;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders records the way Salesforce's REST API does. */
final class Json {

    /** Salesforce's dateTime format, e.g. {@code 2024-05-01T17:03:08.000+0000}. */
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC);

    private Json() {
    }

    /** A record with its {@code attributes} block first and dateTimes as strings. */
    static Map<String, Object> record(String version, String type, Map<String, Object> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("type", type);
        Object id = fields.get("Id");
        if (id != null) {
            attributes.put("url", "/services/data/" + version + "/sobjects/" + type + "/" + id);
        }
        out.put("attributes", attributes);
        fields.forEach((name, value) -> out.put(name, value instanceof Instant instant ? DATE_TIME.format(instant) : value));
        return out;
    }

    /** A request body that must be a JSON object; anything else is Salesforce's {@code 400 JSON_PARSER_ERROR}. */
    static Map<String, Object> object(JsonMapper json, String body) {
        try {
            Map<String, Object> map = json.readValue(body, Argument.mapOf(String.class, Object.class));
            if (map == null) {
                throw new SalesforceException(400, "JSON_PARSER_ERROR", "The request body is empty");
            }
            return map;
        } catch (IOException e) {
            throw new SalesforceException(400, "JSON_PARSER_ERROR", "Unexpected character in the request body: " + e.getMessage());
        }
    }
}
