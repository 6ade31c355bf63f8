/**
 * Subscription rules of the local SNS endpoint: which protocols and endpoints it delivers to (local SQS
 * queues and emulator functions), and the subscription attributes with their checks — a filter policy is
 * compiled when it is set, so a bad one fails Subscribe / SetSubscriptionAttributes, never a Publish.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_SetSubscriptionAttributes.html
 */
import { compileFilterPolicy, type FilterPolicyScope, SCOPES } from './filter-policy.js';
import { faults, functionArn } from './wire.js';

const SQS_ARN = /^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Protocols SNS has that the emulator does not deliver to. */
const OTHER_PROTOCOLS = new Set(['http', 'https', 'email', 'email-json', 'sms', 'application', 'firehose']);
const SETTABLE = new Set([
  'RawMessageDelivery',
  'FilterPolicy',
  'FilterPolicyScope',
  'RedrivePolicy',
  'DeliveryPolicy',
  'SubscriptionRoleArn',
]);

/** Checks a subscription's endpoint for its protocol; a function may be named by ARN or by name. */
export function subscriptionEndpoint(protocol: string, endpoint: string | undefined): string {
  if (OTHER_PROTOCOLS.has(protocol))
    throw faults.invalid(
      `Protocol: ${protocol} subscriptions are not supported by the triggerkit emulator; subscribe an sqs queue or a lambda function`,
    );
  if (protocol !== 'sqs' && protocol !== 'lambda')
    throw faults.invalid(`Amazon SNS does not support this protocol string: ${protocol}`);
  if (endpoint === undefined || endpoint === '') throw faults.invalid('Endpoint');
  if (protocol === 'sqs') {
    if (!SQS_ARN.test(endpoint)) throw faults.invalid('SQS endpoint ARN');
    if (endpoint.endsWith('.fifo'))
      throw faults.invalid('Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
    return endpoint;
  }
  if (LAMBDA_ARN.test(endpoint)) return endpoint;
  if (FUNCTION_NAME.test(endpoint)) return functionArn(endpoint);
  throw faults.invalid('Lambda endpoint ARN');
}

/**
 * `current` with `changes` applied, each checked: RawMessageDelivery only for sqs, FilterPolicy compiled
 * for the (new) FilterPolicyScope. An empty FilterPolicy (`""` or `{}`) removes the policy.
 */
export function subscriptionAttributes(
  protocol: string,
  current: Readonly<Record<string, string>>,
  changes: Readonly<Record<string, string>>,
): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    if (!SETTABLE.has(name)) throw faults.invalid(`AttributeName: ${name}`);
    if (name === 'RawMessageDelivery') {
      if (protocol !== 'sqs')
        throw faults.invalid(
          `Attributes Reason: Delivery protocol [${protocol}] does not support raw message delivery.`,
        );
      if (value !== 'true' && value !== 'false')
        throw faults.invalid(
          `Attributes Reason: RawMessageDelivery: Invalid value [${value}]. Must be true or false.`,
        );
    }
    if (name === 'FilterPolicyScope' && !(SCOPES as readonly string[]).includes(value))
      throw faults.invalid(
        `Attributes Reason: FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`,
      );
    if (name === 'RedrivePolicy' || name === 'DeliveryPolicy') checkJson(name, value);
    if (name === 'FilterPolicy' && (value === '' || value.trim() === '{}')) delete next[name];
    else next[name] = value;
  }
  if (next.FilterPolicy !== undefined)
    compileFilterPolicy(
      next.FilterPolicy,
      (next.FilterPolicyScope ?? 'MessageAttributes') as FilterPolicyScope,
    );
  return next;
}

function checkJson(name: string, value: string): void {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return;
  } catch {
    // reported below
  }
  throw faults.invalid(`${name}: the value must be a JSON object`);
}
