// Reads whole topics with kafkajs and decodes each value twice with @kafkajs/confluent-schema-registry: by the schema
// id in the record (registry.decode) and by subject, as a Confluent tool that finds schemas by name does (the subject's
// latest version, resolving the writer's schema to it). Prints a JSON summary per topic on stdout.
// usage: node read-topics.mjs <bootstrap> <ccompat-url> <topic>=<value|record> ...
import kafkajs from 'kafkajs'
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry'
import lz4 from 'lz4js'

const { Kafka, logLevel, CompressionTypes, CompressionCodecs } = kafkajs

// The reconciler's bulk writes are LZ4-compressed; kafkajs has only gzip built in, so a reader registers a codec.
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async encoder => Buffer.from(lz4.compress(encoder.buffer)),
  decompress: async buffer => Buffer.from(lz4.decompress(buffer))
})

const [bootstrap, registryUrl, ...specs] = process.argv.slice(2)
const registry = new SchemaRegistry({ host: registryUrl })
const kafka = new Kafka({ clientId: 'analyst-node', brokers: bootstrap.split(','), logLevel: logLevel.ERROR })
process.on('unhandledRejection', e => { console.error(e); process.exit(3) })
const admin = kafka.admin()
await admin.connect()

// The subject a Confluent client computes: TopicNameStrategy (<topic>-value) or TopicRecordNameStrategy
// (<topic>-<record full name>), as docs/analysts.md says per topic.
const subjectOf = (topic, rule, fullName) => rule === 'value' ? `${topic}-value` : `${topic}-${fullName}`

// One consumer group reads every topic (one group join, not one per topic), each value decoded both ways.
const summary = {}
const rules = {}
let total = 0
for (const spec of specs) {
  const [topic, rule] = spec.split('=')
  const ends = await admin.fetchTopicOffsets(topic)
  total += ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0)
  summary[topic] = { messages: 0, tombstones: 0, byId: 0, bySubject: 0, subjects: [], errors: [] }
  rules[topic] = { rule, subjects: new Set() }
}
const consumer = kafka.consumer({ groupId: `analyst-node-${Date.now()}` })
let crashed = false
consumer.on(consumer.events.CRASH, event => {
  crashed = true
  for (const result of Object.values(summary)) result.errors.push(`consumer crashed: ${event.payload.error}`)
})
await consumer.connect()
await consumer.subscribe({ topics: Object.keys(summary), fromBeginning: true })
let read = 0
let last = Date.now()
await consumer.run({
  eachMessage: async ({ topic, message }) => {
    last = Date.now()
    read++
    const result = summary[topic]
    result.messages++
    if (message.value === null) { result.tombstones++; return }
    try {
      const byId = await registry.decode(message.value)
      result.byId++
      const id = message.value.readInt32BE(1)
      const writer = await registry.getSchema(id)
      const subject = subjectOf(topic, rules[topic].rule, writer.name)
      rules[topic].subjects.add(subject)
      const latestId = await registry.getLatestSchemaId(subject)
      const latest = await registry.getSchema(latestId)
      const body = message.value.subarray(5)
      const bySubject = latestId === id ? latest.fromBuffer(body) : latest.fromBuffer(body, latest.createResolver(writer))
      if (bySubject !== undefined) result.bySubject++
      if (latestId === id && JSON.stringify(bySubject) !== JSON.stringify(byId)) result.errors.push(`offset ${message.offset}: decodes differ`)
    } catch (e) {
      if (result.errors.length < 5) result.errors.push(`offset ${message.offset}: ${e.message}`)
    }
  }
})
// Until the topics are read to their ends as they were: records counted, but transaction markers take offsets too, so
// also stop once nothing more has come for a few seconds after the first record (joining a new group takes a while).
const started = Date.now()
while (!crashed && read < total && Date.now() - started < 90000 && (read === 0 || Date.now() - last < 4000)) {
  await new Promise(r => setTimeout(r, 200))
}
await consumer.disconnect()
for (const [topic, result] of Object.entries(summary)) result.subjects = [...rules[topic].subjects].sort()
await admin.disconnect()
console.log(JSON.stringify(summary))
