package dev.unsubsync.pusher.push;

import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.pusher.fields.FieldCheck;
import dev.unsubsync.pusher.people.PeopleDirectory;
import dev.unsubsync.pusher.support.PusherConfiguration;
import dev.unsubsync.salesforce.SalesforceClient;

/** What every push loop works with: the push rules, the field check, its clients, metrics and views. */
record LoopParts(OptOutPusher pusher, FieldCheck fieldCheck, PusherConfiguration config, KafkaClients kafka, Producers producers,
        PushMetrics metrics, SalesforceClient salesforce, PeopleDirectory people, SettingsView settings) {
}
