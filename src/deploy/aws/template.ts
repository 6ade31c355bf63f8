/** The CloudFormation and serverless.yml shapes the AWS wiring is written in, and logical ids. */

/** A CloudFormation resource. */
export interface Resource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly DependsOn?: string | readonly string[];
}

/** An IAM policy statement for the functions' role (`provider.iam.role.statements`). */
export interface Statement {
  readonly Effect: 'Allow';
  readonly Action: string | readonly string[];
  readonly Resource: readonly unknown[];
}

/** One entry of a function's serverless.yml `events`: `{ sqs: {…} }`, `{ httpApi: {…} }`… */
export type FunctionEvent = Readonly<Record<string, unknown>>;

export const ref = (logicalId: string) => ({ Ref: logicalId });
export const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/**
 * A function's key as the Serverless Framework writes it in logical ids (`orders-queue` →
 * `OrdersDashqueue`), so ours sit beside the Framework's (`OrdersDashqueueLambdaFunction`).
 */
export function functionId(key: string): string {
  const name = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** A resource name as part of a logical id: `shop-orders` → `ShopOrders`, `jobs.fifo` → `JobsFifo`. */
export function nameId(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The ARN of an SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`), for a
 * `deadLetter: { queue }` that names a queue this stack does not own.
 */
export function queueArnOfUrl(url: string): string | undefined {
  const match = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(\d{12})\/([A-Za-z0-9_.-]+)$/.exec(
    url,
  );
  if (match === null) return undefined;
  const [, region, account, name] = match;
  return `arn:${url.includes('.com.cn/') ? 'aws-cn' : 'aws'}:sqs:${region}:${account}:${name}`;
}
