package dev.unsubsync.pusher.kafka;

import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.pusher.config.PusherConfiguration;
import dev.unsubsync.pusher.domain.FieldCheck;
import dev.unsubsync.pusher.domain.OptOutPusher;
import dev.unsubsync.salesforce.SalesforceClient;

/** What every push loop works with: the push rules, the field check, its clients, metrics and views. */
record LoopParts(OptOutPusher pusher, FieldCheck fieldCheck, PusherConfiguration config, KafkaClients kafka, Producers producers,
                 PushMetrics metrics, SalesforceClient salesforce, PeopleDirectory people, SettingsView settings) {
}
