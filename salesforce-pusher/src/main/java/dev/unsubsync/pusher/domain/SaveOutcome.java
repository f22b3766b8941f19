package dev.unsubsync.pusher.domain;

import java.util.List;

/**
 * What Salesforce answered to a Collections update. The caller decides retry, dead-letter or give up; nothing here
 * throws for a Salesforce answer.
 */
public sealed interface SaveOutcome {

    /** The call went through; one result per record, in request order. */
    record Saved(List<RecordResult> results) implements SaveOutcome {
        public Saved {
            results = List.copyOf(results);
        }
    }

    /** Credentials refused, or a fresh token was refused again: nothing was written. */
    record AuthFailed(String errorCode, String message) implements SaveOutcome {
    }

    /** The daily allowance or a concurrency limit is used up ({@code 403 REQUEST_LIMIT_EXCEEDED}). */
    record RateLimited(String message) implements SaveOutcome {
    }

    /** Salesforce refused the whole request (4xx other than auth and limits), e.g. a field that does not exist. */
    record RequestRejected(int status, String errorCode, String message) implements SaveOutcome {
    }

    /** Salesforce failed (5xx). */
    record ServerError(int status, String errorCode, String message) implements SaveOutcome {
    }

    /** No answer: connection refused, reset, or timed out. */
    record NetworkError(String message) implements SaveOutcome {
    }

    /** One record's save result. {@code statusCode} and {@code message} are null when it succeeded. */
    record RecordResult(boolean success, String statusCode, String message) {

        public static RecordResult ok() {
            return new RecordResult(true, null, null);
        }

        public static RecordResult failed(String statusCode, String message) {
            return new RecordResult(false, statusCode, message);
        }
    }
}
