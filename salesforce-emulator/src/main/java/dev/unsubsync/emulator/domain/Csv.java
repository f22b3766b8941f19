package dev.unsubsync.emulator.domain;

import java.util.ArrayList;
import java.util.List;

/** CSV as Bulk API 2.0 speaks it: comma-separated, LF line endings, every value in double quotes on output. */
public final class Csv {

    private Csv() {
    }

    /** One output line, values quoted, quotes doubled, ending in LF. */
    public static void appendRow(StringBuilder out, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String value = values.get(i);
            out.append('"');
            if (value != null) {
                out.append(value.replace("\"", "\"\""));
            }
            out.append('"');
        }
        out.append('\n');
    }

    /**
     * Parses RFC 4180 CSV (quoted or bare values, doubled quotes, line breaks inside quotes, LF or CRLF).
     *
     * @throws IllegalArgumentException on an unterminated quoted value
     */
    public static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder value = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        value.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    value.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                row.add(value.toString());
                value.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || value.length() > 0) {
                    row.add(value.toString());
                    rows.add(row);
                }
                row = new ArrayList<>();
                value.setLength(0);
                any = false;
            } else {
                value.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted value");
        }
        if (any || value.length() > 0) {
            row.add(value.toString());
            rows.add(row);
        }
        return rows;
    }
}
