package dev.unsubsync.capture.support;

import dev.unsubsync.kit.FrameworkFree;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * An {@code application/x-www-form-urlencoded} body read by hand, so a malformed {@code %} escape is a precise refusal
 * (400) rather than a decoder's exception (500). Fields by name, sorted; a repeated name keeps its last value.
 */
@FrameworkFree
public final class FormBody {

    /** A body that is not a valid form. */
    public static final class MalformedFormException extends RuntimeException {
        MalformedFormException(String message) {
            super(message);
        }
    }

    private FormBody() {
    }

    /** The fields of a form body. */
    public static Map<String, String> parse(String body) {
        Map<String, String> fields = new TreeMap<>();
        if (body == null) {
            return fields;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            fields.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return fields;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedFormException("the form body has a malformed %-escape near '"
                    + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'");
        }
    }
}
