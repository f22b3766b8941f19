package dev.unsubsync.kit.kafka;

import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings in force: the latest {@link SyncSettings} on the compacted {@link Topics#SETTINGS} topic, read from the
 * beginning and followed for as long as the service runs. Until a record is read, the defaults apply (sync to Email Opt
 * Out only, nightly sync off), which is what the product promises when nothing has been configured.
 */
public final class SettingsView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsView.class);
    private static final Duration PENDING_LIMIT = Duration.ofSeconds(30);

    private final AtomicReference<SyncSettings> current = new AtomicReference<>(SyncSettings.newBuilder().build());
    private final CompactedView view;
    private SyncSettings pending;
    private long pendingSince;

    /**
     * Starts following the settings topic.
     *
     * @param clientConfig bootstrap servers and {@code apicurio.registry.*} settings
     */
    public SettingsView(Map<String, Object> clientConfig) {
        this.view = new CompactedView("settings-view", Topics.SETTINGS, clientConfig, (key, value) -> {
            if (Topics.SETTINGS_KEY.equals(key) && value instanceof SyncSettings settings) {
                apply(settings);
            }
        }, () -> LOG.info("Settings in force: {}", current.get()));
    }

    /** The settings in force now. */
    public SyncSettings current() {
        return current.get();
    }

    /** Waits until the topic has been read to its end once; false on timeout (the defaults then apply). */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return view.awaitCaughtUp(timeout);
    }

    /** Applies settings just written by this instance, before they come back from the topic. */
    public synchronized void accept(SyncSettings settings) {
        current.set(settings);
        pending = settings;
        pendingSince = System.nanoTime();
    }

    @Override
    public void close() {
        view.close();
    }

    /**
     * A record from the topic. The one partition delivers every write in order, but this instance's own write may come
     * back after {@link #accept} applied it: the records before it are older and must not undo it, so until it comes
     * back (or 30 s have passed, should it have been compacted away unseen) they are skipped.
     */
    private synchronized void apply(SyncSettings settings) {
        if (pending != null) {
            if (settings.equals(pending) || System.nanoTime() - pendingSince > PENDING_LIMIT.toNanos()) {
                pending = null;
            } else {
                return;
            }
        }
        current.set(settings);
    }
}
