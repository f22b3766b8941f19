package dev.unsubsync.salesforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bulk API 2.0 CSV as Salesforce writes it, and as RFC 4180 allows. */
class CsvReaderTest {

    @Test
    void quotedAndBareValuesDoubledQuotesLineBreaksInsideQuotesAndEitherLineEnding() {
        String csv = "\"Id\",\"Email\",\"Note\"\r\n\"003A\",\"a@example.com\",\"said \"\"no\"\"\"\n003B,,\"two\nlines\"\n\n";
        assertEquals(List.of(List.of("Id", "Email", "Note"), List.of("003A", "a@example.com", "said \"no\""), List.of("003B", "", "two\nlines")),
                CsvReader.parse(csv));
    }

    @Test
    void anUnterminatedQuotedValueIsNotCsv() {
        assertThrows(IllegalArgumentException.class, () -> CsvReader.parse("\"Id\"\n\"003A"));
    }
}
