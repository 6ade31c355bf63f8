/**
 * Apache Kafka batches from Amazon MSK (`eventSource: "aws:kafka"`) and self-managed clusters
 * (`"SelfManagedKafka"`). `records` maps `"<topic>-<partition>"` to arrays; key and value are base64 (a
 * null value is a tombstone), header values are arrays of (signed, Java) bytes. The CloudEvents Kafka
 * binding is honoured in structured mode (`content-type: application/cloudevents…`) and binary mode
 * (`ce_*` headers). Outside it, a Debezium change event in the value becomes the event the `debezium`
 * source makes (`io.debezium.<connector>.datachangeevent`), a tombstone with a Debezium key an
 * `io.debezium.tombstone`; the id stays the record's. Failures are reported per record: `ref` =
 * `<topic>-<partition>@<offset>`, which the Lambda adapter turns into
 * `{ "topic-partition": "<topic>-<partition>", "offset": N }`.
 * @see https://github.com/cloudevents/spec/blob/main/cloudevents/bindings/kafka-protocol-binding.md
 * @see https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
 */
import { debeziumToEvent, isDebeziumKey } from '../cdc/debezium.js';
import { isDebeziumEnvelope } from '../cdc/debezium-detect.js';
import { decodeBase64 } from '../kit/base64.js';
import { describeValue } from '../kit/describe.js';
import { bytesPayload, isPrintable, readJsonOrText, typedPayload, utf8 } from '../kit/payload.js';
import { collectRecords, type EventInit, finishEvent, invalid, setIfAbsent } from '../kit/records.js';
import { epochMsToIso } from '../kit/time.js';
import { type Batch, isObject, type JsonObject } from '../types.js';

export const KAFKA_RECORD_TYPE = 'org.apache.kafka.record';
/** `ce_*` headers binary mode must not carry: the data is the record value, never an attribute. */
const NOT_A_HEADER: ReadonlySet<string> = new Set(['data', 'data_base64']);

interface Entry {
  readonly group: string;
  readonly record: unknown;
  readonly path: string;
}

/** A Kafka batch (detected by catalog.ts: `eventSource` `aws:kafka` or `SelfManagedKafka`, a `records` object). */
export function normalize(batch: JsonObject & { records: JsonObject }): Batch {
  const entries: Entry[] = [];
  for (const [group, list] of Object.entries(batch.records)) {
    const records: unknown[] = Array.isArray(list) ? list : [list];
    for (const [i, record] of records.entries()) {
      entries.push({ group, record, path: `records[${JSON.stringify(group)}][${i}]` });
    }
  }
  return collectRecords(
    // Records of a partition must be handled in order: stop at the first failure.
    { source: 'aws:kafka', reply: 'kafka-item-failures', ordered: true },
    entries.length,
    (i) => readRecord(batch, entries[i] as Entry),
    (i) => refOf(entries[i] as Entry),
    (i) => (entries[i] as Entry).path,
  );
}

function refOf({ group, record, path }: Entry): string {
  const offset = isObject(record) ? record.offset : undefined;
  return Number.isSafeInteger(offset) ? `${group}@${offset}` : path;
}

function readRecord(batch: JsonObject, { record, path }: Entry) {
  if (
    !isObject(record) ||
    typeof record.topic !== 'string' ||
    record.topic === '' ||
    !Number.isSafeInteger(record.partition) ||
    !Number.isSafeInteger(record.offset) ||
    (record.offset as number) < 0
  ) {
    throw invalid(
      `${path} is not a Kafka record (got ${describeValue(record)}): it needs a string \`topic\` and integer ` +
        '`partition` and `offset`.',
      path,
    );
  }
  const { topic, partition, offset } = record as { topic: string; partition: number; offset: number };
  const headers = readHeaders(record.headers, `${path}.headers`);
  const key = record.key == null ? undefined : decodeBase64(record.key, `${path}.key`);
  const value = record.value == null ? undefined : decodeBase64(record.value, `${path}.value`);
  const keyText = key === undefined ? undefined : utf8(key);
  const textKey = keyText !== undefined && keyText !== '' && isPrintable(keyText) ? keyText : undefined;
  const contentType = headerValue(headers, 'content-type');
  let init: EventInit;
  if (contentType?.toLowerCase().startsWith('application/cloudevents')) {
    // Structured mode: the value is the whole event in the JSON format.
    const event = value === undefined ? undefined : readJsonOrText(utf8(value) ?? '');
    if (!isObject(event)) throw invalid(`${path}.value is not a structured CloudEvent (JSON object).`, path);
    init = { ...event };
  } else if (headerValue(headers, 'ce_specversion') !== undefined) {
    // Binary mode: attributes in `ce_*` headers, `content-type` is the datacontenttype, the value is data.
    init = {};
    for (const [name, text] of headers) {
      if (!name.toLowerCase().startsWith('ce_')) continue;
      const attribute = name.slice(3).toLowerCase();
      if (NOT_A_HEADER.has(attribute)) {
        // As the HTTP binding refuses `ce-data`: a header is no place for the data, and taking it would
        // give a tombstone data it does not have.
        throw invalid(
          `${path} header ${name} must not be sent in binary mode; the record value carries the data — ` +
            'send the data as the value and drop the header.',
          path,
        );
      }
      setIfAbsent(init, attribute, text);
    }
    if (value !== undefined) Object.assign(init, typedPayload(value, contentType));
  } else {
    const plain = {
      id: `${topic}-${partition}-${offset}`,
      topic,
      where: `${path}.value`,
      time: recordTime(record.timestamp),
      textKey,
    };
    init = readValue(batch, plain, value);
  }
  // The binding's "Key Mapper": the record key is the partitionkey extension.
  setIfAbsent(init, 'partitionkey', textKey);
  setIfAbsent(
    init,
    'kafkakey',
    textKey === undefined && key !== undefined ? Buffer.from(key).toString('base64') : undefined,
  );
  setIfAbsent(init, 'traceparent', headerValue(headers, 'traceparent'));
  setIfAbsent(init, 'tracestate', headerValue(headers, 'tracestate'));
  // Offsets are 64-bit: zero-pad to 19 digits so `sequence` orders lexicographically.
  setIfAbsent(init, 'sequence', String(offset).padStart(19, '0'));
  setIfAbsent(init, 'kafkatopic', topic);
  setIfAbsent(init, 'kafkapartition', partition < 2 ** 31 ? partition : undefined);
  const others = headers.filter(([name]) => !/^(ce_|content-type$)/i.test(name));
  if (others.length > 0) setIfAbsent(init, 'kafkaheaders', JSON.stringify(others));
  return { ref: `${topic}-${partition}@${offset}`, events: [finishEvent(init, path)] };
}

interface PlainRecord {
  readonly id: string;
  readonly topic: string;
  readonly where: string;
  readonly time: string | undefined;
  readonly textKey: string | undefined;
}

/**
 * A record outside the CloudEvents binding. A Debezium change event in the value becomes the event the
 * `debezium` source makes of it; a tombstone whose key is a Debezium key an `io.debezium.tombstone` event.
 * Both keep the Kafka record's id, which a redelivery of the offset repeats and no two records share
 * (Debezium's log positions can: MongoDB's `ord` counts within a second, and an id that repeats makes
 * the idempotency store drop a real change). Anything else is an `org.apache.kafka.record`.
 */
function readValue(
  batch: JsonObject,
  { id, topic, where, time, textKey }: PlainRecord,
  value: Uint8Array | undefined,
): EventInit {
  if (value === undefined) {
    // Only the key can tell, never the delete before it in the batch: a retry that starts at the
    // tombstone would make it another event.
    const key = textKey === undefined ? undefined : readJsonOrText(textKey);
    if (isDebeziumKey(key)) {
      return { ...debeziumToEvent(null, { where, key, topic, id }), time, kafkatombstone: true };
    }
    const source = sourceOf(batch, topic);
    return { id, source, type: KAFKA_RECORD_TYPE, subject: textKey, time, kafkatombstone: true };
  }
  const payload = bytesPayload(value);
  if (payload.datacontenttype === 'application/json' && isDebeziumEnvelope(payload.data)) {
    const key = textKey === undefined ? undefined : readJsonOrText(textKey);
    return { ...debeziumToEvent(payload.data, { where, key, topic, id }) };
  }
  return { id, source: sourceOf(batch, topic), type: KAFKA_RECORD_TYPE, subject: textKey, time, ...payload };
}

/** Kafka's `NO_TIMESTAMP` is -1 (`timestampType: "NO_TIMESTAMP_TYPE"`): no time, not 1969. */
function recordTime(timestamp: unknown): string | undefined {
  return typeof timestamp === 'number' && timestamp < 0 ? undefined : epochMsToIso(timestamp);
}

/** MSK: the cluster ARN + topic; self-managed: `kafka://<first bootstrap server>/<topic>`. */
function sourceOf(batch: JsonObject, topic: string): string {
  if (typeof batch.eventSourceArn === 'string' && batch.eventSourceArn !== '') {
    return `${batch.eventSourceArn}/${topic}`;
  }
  const first =
    typeof batch.bootstrapServers === 'string' ? batch.bootstrapServers.split(',')[0]?.trim() : '';
  return `kafka://${first ?? ''}/${encodeURIComponent(topic)}`;
}

/**
 * `[{ name: [bytes…] }, …]` → `[name, value]` pairs in order (names can repeat). Bytes are Java's signed
 * bytes: `b & 0xff`, then UTF-8 with replacement characters for invalid sequences (never
 * `String.fromCodePoint`, which throws on negative values and mis-decodes multi-byte characters).
 */
function readHeaders(headers: unknown, path: string): Array<[string, string]> {
  if (headers == null) return [];
  if (!Array.isArray(headers))
    throw invalid(`${path} must be an array, got ${describeValue(headers)}.`, path);
  const pairs: Array<[string, string]> = [];
  for (const [i, header] of headers.entries()) {
    if (!isObject(header))
      throw invalid(`${path}[${i}] must be an object, got ${describeValue(header)}.`, path);
    for (const [name, bytes] of Object.entries(header)) {
      if (!Array.isArray(bytes) || !bytes.every((b) => Number.isInteger(b) && b >= -128 && b <= 255)) {
        throw invalid(`${path}[${i}].${name} must be an array of bytes, got ${describeValue(bytes)}.`, path);
      }
      pairs.push([name, Buffer.from(Uint8Array.from(bytes as number[], (b) => b & 0xff)).toString('utf8')]);
    }
  }
  return pairs;
}

function headerValue(headers: ReadonlyArray<[string, string]>, name: string): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === name)?.[1];
}
