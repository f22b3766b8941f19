package dev.unsubsync.tool;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A place in a topic: an offset (the same on every partition) or an instant (the first record written at or after it). */
public sealed interface Position {

    record Offset(long offset) implements Position {
    }

    record Time(Instant at) implements Position {
    }

    /** {@code 1234} (an offset), {@code 2026-12-01T08:30:00Z} or with an offset {@code +01:00}, or {@code 2026-12-01} (midnight UTC). */
    static Position parse(String text) {
        String value = text.strip();
        if (value.matches("\\d{1,18}")) {
            return new Offset(Long.parseLong(value));
        }
        return new Time(instant(value));
    }

    /** An instant: ISO-8601 with a zone ({@code Z} or {@code +01:00}), or a day (midnight UTC). */
    static Instant instant(String text) {
        String value = text.strip();
        try {
            if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + text + "' is neither an offset (digits) nor a time (e.g. 2026-12-01T08:30:00Z or 2026-12-01)");
        }
    }

    /** picocli's converter for positions. */
    final class Converter implements ITypeConverter<Position> {
        @Override
        public Position convert(String value) {
            return parse(value);
        }
    }

    /** picocli's converter for instants. */
    final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            return instant(value);
        }
    }
}
