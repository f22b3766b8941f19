package dev.unsubsync.emulator.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV as Bulk API 2.0 speaks it, through Jackson's CSV module: comma-separated, LF line endings, every value in double
 * quotes on output (an empty one as {@code ""}).
 */
public final class Csv {

    private static final CsvMapper MAPPER = new CsvMapper();
    private static final ObjectWriter ROW = MAPPER.writerFor(List.class)
            .with(CsvSchema.emptySchema().withLineSeparator("\n"))
            .with(CsvGenerator.Feature.ALWAYS_QUOTE_STRINGS).with(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS);
    private static final ObjectReader ROWS = MAPPER.readerForListOf(String.class)
            .with(CsvParser.Feature.WRAP_AS_ARRAY).with(CsvParser.Feature.SKIP_EMPTY_LINES);

    private Csv() {
    }

    /** One output line, values quoted, quotes doubled, ending in LF. */
    public static void appendRow(StringBuilder out, List<String> values) {
        List<String> row = new ArrayList<>(values.size());
        for (String value : values) {
            row.add(value == null ? "" : value);
        }
        try {
            out.append(ROW.writeValueAsString(row));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a row of strings could not be written as CSV", e);
        }
    }

    /**
     * Parses RFC 4180 CSV (quoted or bare values, doubled quotes, line breaks inside quotes, LF or CRLF).
     *
     * @throws IllegalArgumentException on text that is not CSV (an unterminated quoted value, say)
     */
    public static List<List<String>> parse(String text) {
        try (MappingIterator<List<String>> rows = ROWS.readValues(text)) {
            return rows.readAll();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not CSV: " + e.getMessage(), e);
        }
    }
}
