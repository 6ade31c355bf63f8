/**
 * A local EventBridge endpoint speaking the JSON protocol AWS SDK v3 (`@aws-sdk/client-eventbridge`)
 * uses: `POST /` with `X-Amz-Target: AWSEvents.<Action>`. PutEvents puts each accepted entry on the
 * emulator's bus as the event EventBridge delivers to its targets, normalized to a CloudEvent by the
 * EventBridge source, and committed to the store before it answers; every bus handler whose `filter`
 * matches receives it (the handlers' filters are the bus's rules). ListEventBuses and DescribeEventBus
 * show the `default` bus. Signatures are not checked; any credentials do.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudEvent } from '../../cloud-event.js';
import { isTriggerError } from '../../errors.js';
import { sourceOf } from '../../sources/registry.js';
import type { JsonObject } from '../../sources/types.js';
import type { Clock } from '../clock.js';
import { readJsonObject } from '../http-ingress.js';
import { checkEntries, type PutEventsResultEntry, toEntryOutcome } from './put-events.js';
import { busArn, DEFAULT_BUS, EventBridgeFault, reply, TARGET_PREFIX } from './wire.js';

export interface EventBridgeEndpointOptions {
  readonly clock: Clock;
  /** Accepts events on the emulator's bus, committed to the store when it returns (throws if it could not). */
  readonly publish: (events: readonly CloudEvent[]) => void;
}

export interface EventBridgeEndpoint {
  /** Answers an EventBridge call and resolves `true`; resolves `false` (and writes nothing) for any other request. */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean>;
}

type Input = JsonObject;

/** The catalog's EventBridge source: what a Lambda target's event becomes. */
const eventBridge = sourceOf('aws:eventbridge');

/**
 * Creates the endpoint over the emulator's bus.
 *
 * @example
 * const eventBridge = createEventBridgeEndpoint({ clock, publish: (events) => events.forEach(bus.accept) });
 * // new EventBridgeClient({ endpoint: 'http://127.0.0.1:3000', region: 'us-east-1' })
 */
export function createEventBridgeEndpoint(options: EventBridgeEndpointOptions): EventBridgeEndpoint {
  const actions: Readonly<Record<string, (input: Input) => unknown>> = {
    PutEvents: putEvents,
    ListEventBuses: (input) => ({
      EventBuses: [bus()].filter(
        (b) => typeof input.NamePrefix !== 'string' || b.Name.startsWith(input.NamePrefix),
      ),
    }),
    DescribeEventBus: (input) => {
      const name = input.Name === undefined ? DEFAULT_BUS : input.Name;
      if (name !== DEFAULT_BUS && name !== busArn(DEFAULT_BUS))
        throw new EventBridgeFault('ResourceNotFoundException', `Event bus ${String(name)} does not exist.`);
      return bus();
    },
  };

  function putEvents(input: Input) {
    const now = options.clock.now();
    const outcomes = checkEntries(input.Entries).map((entry) => toEntryOutcome(entry, now));
    const events: CloudEvent[] = [];
    const entries: PutEventsResultEntry[] = outcomes.map((outcome) => {
      if ('failure' in outcome) return outcome.failure;
      try {
        const item = eventBridge.normalize(outcome.event, {}).items[0];
        if (item === undefined) throw new Error('the EventBridge source gave no event');
        events.push(item.event);
        return { EventId: item.event.id };
      } catch (error) {
        if (!isTriggerError(error)) throw error;
        return { ErrorCode: 'InvalidArgument', ErrorMessage: error.message };
      }
    });
    try {
      if (events.length > 0) options.publish(events);
    } catch (error) {
      // Nothing was committed: the SDK retries an InternalException.
      throw new EventBridgeFault(
        'InternalException',
        `The events could not be stored: ${String(error)}`,
        500,
      );
    }
    return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
  }

  return {
    async handle(req, res, body) {
      const target = req.headers['x-amz-target'];
      if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX))
        return false;
      const requestId = randomUUID();
      try {
        const action = target.slice(TARGET_PREFIX.length);
        const run = Object.hasOwn(actions, action) ? actions[action] : undefined;
        if (run === undefined)
          throw new EventBridgeFault(
            'UnknownOperationException',
            `${action} is not served by the triggerkit emulator's EventBridge endpoint (it serves ${Object.keys(actions).join(', ')}); rules are the handlers' \`filter\`s and schedules their { type: 'aws:schedule' } sources.`,
          );
        reply(res, 200, run(readInput(body)), requestId);
      } catch (error) {
        const fault =
          error instanceof EventBridgeFault
            ? error
            : new EventBridgeFault('InternalException', String(error), 500);
        reply(res, fault.status, { __type: fault.type, message: fault.message }, requestId);
      }
      return true;
    },
  };
}

function readInput(body: Buffer): Input {
  const read = readJsonObject(body);
  if ('problem' in read) throw new EventBridgeFault('SerializationException', read.problem);
  return read.input as Input;
}

const bus = () => ({ Name: DEFAULT_BUS, Arn: busArn(DEFAULT_BUS) });
