/** What every action of the local SNS endpoint gets: the store, the time, and where to report. */
import type { Store } from '../store/store.js';
import { faults, type InputValue, topicOfArn } from './wire.js';

export interface ActionContext {
  readonly store: Store;
  readonly now: number;
  readonly log: (line: string) => void;
  /** Local queues that got messages: their SQS mappings are told once the answer is committed. */
  readonly changed: Set<string>;
}

/** The name of the topic a `TopicArn` names, which must exist (else `NotFound`). */
export function existingTopic(
  ctx: ActionContext,
  arn: InputValue | undefined,
  parameter = 'TopicArn',
): string {
  const name = topicOfArn(arn, parameter);
  if (ctx.store.topics.getTopic(name) === undefined) throw faults.noTopic();
  return name;
}
