package dev.unsubsync.pusher.push;

import dev.unsubsync.schemas.Topic;
import dev.unsubsync.schemas.Topics;

/** What a push loop reads, and how it treats what it reads. */
enum LoopMode {

    /** New unsubscribes: a batch naming people the directory does not list lingers so they share one live lookup. */
    EVENTS("push-loop", Topics.UNSUBSCRIBE_EVENTS, ""),
    /** Events parked until a field becomes writable: they wait, in order, and are pushed only to the fields they wait for. */
    PARKED("parked-loop", Topics.PUSH_PARKED, "-parked"),
    /** The nightly run's pushes, in a group of their own: a large diff never delays a real-time unsubscribe. */
    NIGHTLY("reconcile-loop", Topics.RECONCILE_PUSHES, "-reconcile");

    private final String loopName;
    private final Topic<?, ?> source;
    private final String groupSuffix;

    LoopMode(String loopName, Topic<?, ?> source, String groupSuffix) {
        this.loopName = loopName;
        this.source = source;
        this.groupSuffix = groupSuffix;
    }

    String loopName() {
        return loopName;
    }

    Topic<?, ?> source() {
        return source;
    }

    /** The loop's consumer group: the pusher's, with this mode's suffix. */
    String group(String pusherGroup) {
        return pusherGroup + groupSuffix;
    }
}
