package dev.unsubsync.salesforce;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads Bulk API 2.0 CSV (RFC 4180: quoted or bare values, doubled quotes, line breaks inside quotes, LF or CRLF).
 * Kept apart from the emulator's writer on purpose: the two sides of a wire format should not share code, or a shared
 * mistake would pass every test.
 */
final class CsvReader {

    private CsvReader() {
    }

    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder value = new StringBuilder();
        boolean quoted = false;
        boolean started = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c != '"') {
                    value.append(c);
                } else if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    value.append('"');
                    i++;
                } else {
                    quoted = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    quoted = true;
                    started = true;
                }
                case ',' -> {
                    row.add(value.toString());
                    value.setLength(0);
                    started = true;
                }
                case '\r', '\n' -> {
                    if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    if (started || !value.isEmpty()) {
                        row.add(value.toString());
                        rows.add(row);
                    }
                    row = new ArrayList<>();
                    value.setLength(0);
                    started = false;
                }
                default -> {
                    value.append(c);
                    started = true;
                }
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("CSV ends inside a quoted value");
        }
        if (started || !value.isEmpty()) {
            row.add(value.toString());
            rows.add(row);
        }
        return rows;
    }
}
