package dev.unsubsync.salesforce;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.util.List;

/**
 * Reads Bulk API 2.0 CSV (RFC 4180: quoted or bare values, doubled quotes, line breaks inside quotes, LF or CRLF) with
 * Jackson's CSV module. Kept apart from the emulator's writer on purpose: the two sides of a wire format share no code
 * of ours, so a mistake of ours on one side cannot pass every test.
 */
final class CsvReader {

    private static final ObjectReader ROWS = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES).readerForListOf(String.class);

    private CsvReader() {
    }

    /**
     * Every row, the header included.
     *
     * @throws IllegalArgumentException when the text is not CSV (an unterminated quoted value, say)
     */
    static List<List<String>> parse(String text) {
        try (MappingIterator<List<String>> rows = ROWS.readValues(text)) {
            return rows.readAll();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not CSV: " + e.getMessage(), e);
        }
    }
}
