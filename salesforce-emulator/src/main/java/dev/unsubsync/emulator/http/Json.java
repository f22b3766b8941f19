package dev.unsubsync.emulator.http;

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
}
