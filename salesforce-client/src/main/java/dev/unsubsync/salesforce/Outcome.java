package dev.unsubsync.salesforce;

import java.util.function.Function;

/**
 * What Salesforce answered to one request. The client never throws for an answer: the caller decides retry,
 * dead-letter or give up.
 *
 * @param <T> what a successful answer carries
 */
public sealed interface Outcome<T> {

    /** The request went through. */
    record Ok<T>(T value) implements Outcome<T> {
    }

    /** Credentials refused, or a fresh token refused again: nothing was done. Needs an operator, then a retry. */
    record AuthFailed<T>(String errorCode, String message) implements Outcome<T> {
    }

    /** The daily allowance or a concurrency limit is used up ({@code 403 REQUEST_LIMIT_EXCEEDED}): retry later. */
    record RateLimited<T>(String message) implements Outcome<T> {
    }

    /** Salesforce refused the request as a whole (4xx other than auth and limits), e.g. a field that does not exist. */
    record RequestRejected<T>(int status, String errorCode, String message) implements Outcome<T> {
    }

    /** Salesforce failed (5xx): retry. */
    record ServerError<T>(int status, String errorCode, String message) implements Outcome<T> {
    }

    /** No answer: connection refused or reset, or timed out. Retry. */
    record NetworkError<T>(String message) implements Outcome<T> {
    }

    /** The same failure, typed for another caller; only for failures. */
    @SuppressWarnings("unchecked")
    default <U> Outcome<U> retyped() {
        if (this instanceof Ok<T>) {
            throw new IllegalStateException("retyped() is for failures; this is " + this);
        }
        return (Outcome<U>) this;
    }

    /** The value of a success turned into something else; a failure stays the failure it is. */
    default <U> Outcome<U> map(Function<? super T, ? extends U> change) {
        return this instanceof Ok<T>(T value) ? new Ok<>(change.apply(value)) : retyped();
    }

    /**
     * Whether the same call may succeed if made again soon, without anyone changing anything: a limit, a server error,
     * no answer. Not a success, a refusal of the request itself, or credentials Salesforce refuses (those need an
     * operator). Callers decide retries with this, never by listing the failure types themselves.
     */
    default boolean retryable() {
        return switch (this) {
            case Ok<T> ok -> false;
            case AuthFailed<T> a -> false;
            case RequestRejected<T> r -> false;
            case RateLimited<T> r -> true;
            case ServerError<T> e -> true;
            case NetworkError<T> n -> true;
        };
    }

    /** A one-line account of a failure, for logs and reasons. */
    default String describe() {
        return switch (this) {
            case Ok<T> ok -> "ok";
            case AuthFailed<T> a -> "Salesforce authentication failed (" + a.errorCode() + "): " + a.message();
            case RateLimited<T> r -> "Salesforce API limit reached: " + r.message();
            case RequestRejected<T> r -> "Salesforce refused the request (" + r.status() + " " + r.errorCode() + "): " + r.message();
            case ServerError<T> e -> "Salesforce server error " + e.status() + " " + e.errorCode() + ": " + e.message();
            case NetworkError<T> n -> "Salesforce unreachable: " + n.message();
        };
    }
}
