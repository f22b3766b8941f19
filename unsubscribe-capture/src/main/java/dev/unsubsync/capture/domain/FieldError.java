package dev.unsubsync.capture.domain;

/** One thing wrong with a request: the field it concerns and why, in words an API client can act on. */
public record FieldError(String field, String message) {
}
