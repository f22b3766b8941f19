package dev.unsubsync.capture.api;

import dev.unsubsync.kit.FrameworkFree;
import java.util.List;

/** A request (an unsubscribe, a settings change) breaks the input rules; nothing was recorded. */
@FrameworkFree
public class InvalidUnsubscribeException extends RuntimeException {

    private final List<FieldError> errors;

    public InvalidUnsubscribeException(List<FieldError> errors) {
        super(errors.stream().map(e -> e.field() + ": " + e.message()).reduce((a, b) -> a + "; " + b).orElse("invalid request"));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
