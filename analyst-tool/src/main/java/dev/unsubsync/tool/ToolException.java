package dev.unsubsync.tool;

/** A failure the tool explains in one line and ends with its own exit status (1: the answer is no; 3: a system did not answer). */
public final class ToolException extends RuntimeException {

    /** Nothing matched what was asked (a person never recorded, a group with members). */
    public static final int NO = 1;
    /** Kafka or the registry did not answer. */
    public static final int UNAVAILABLE = 3;

    private final int exitCode;

    public ToolException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
