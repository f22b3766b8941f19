package dev.unsubsync.capture.api;

import dev.unsubsync.kit.FrameworkFree;

/** One thing wrong with a request: the field it concerns and why, in words an API client can act on. */
@FrameworkFree
public record FieldError(String field, String message) {
}
