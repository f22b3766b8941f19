package dev.unsubsync.emulator.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** SOQL's terms for {@link Soql}: the tokens of a query, how a record's value compares with a literal, LIKE as a regex. */
final class SoqlTerms {

    private SoqlTerms() {
    }

    static boolean ordered(Object a, Object b) {
        return a != null && b != null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object recordValue, Object literal) {
        if (recordValue == null || literal == null) {
            return Objects.equals(recordValue, literal) ? 0 : 1;
        }
        if (recordValue instanceof String s && literal instanceof String l) {
            return s.compareToIgnoreCase(l);
        }
        if (recordValue instanceof Instant i && literal instanceof Instant l) {
            return i.compareTo(l);
        }
        if (recordValue instanceof Boolean b && literal instanceof Boolean l) {
            return b.equals(l) ? 0 : 1;
        }
        if (recordValue instanceof Comparable c && recordValue.getClass() == literal.getClass()) {
            return c.compareTo(literal);
        }
        return 1;
    }

    static String likeToRegex(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toLowerCase(Locale.ROOT).toCharArray()) {
            switch (c) {
                case '%' -> regex.append(".*");
                case '_' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    static List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                StringBuilder literal = new StringBuilder("'");
                i++;
                while (i < text.length() && text.charAt(i) != '\'') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    literal.append(text.charAt(i++));
                }
                if (i >= text.length()) {
                    throw new SalesforceException(400, "MALFORMED_QUERY", "unterminated string literal");
                }
                i++;
                tokens.add(literal.append('\'').toString());
            } else if ("(),".indexOf(c) >= 0) {
                tokens.add(String.valueOf(c));
                i++;
            } else if ("=<>!".indexOf(c) >= 0) {
                int start = i++;
                while (i < text.length() && "=<>".indexOf(text.charAt(i)) >= 0) {
                    i++;
                }
                tokens.add(text.substring(start, i));
            } else {
                int start = i;
                while (i < text.length() && !Character.isWhitespace(text.charAt(i)) && "(),=<>!'".indexOf(text.charAt(i)) < 0) {
                    i++;
                }
                tokens.add(text.substring(start, i));
            }
        }
        return tokens;
    }
}
