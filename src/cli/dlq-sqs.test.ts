/** One line for each way a call to SQS fails: what, where, how to fix. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { openSqs, sqsFailure } from './dlq-sqs.js';

const sqs = { client: new SQSClient({ region: 'eu-west-1' }), where: 'SQS in eu-west-1' };
const queue = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq';
const fail = (error: object) =>
  sqsFailure(Object.assign(new Error('x'), error), sqs, 'ReceiveMessage', queue);

describe('sqsFailure', () => {
  it.each([
    [
      { name: 'CredentialsProviderError' },
      /^No AWS credentials to call ReceiveMessage on https:.* \(SQS in eu-west-1\): set AWS_PROFILE/,
    ],
    [
      { message: 'Region is missing' },
      /^No AWS region to call ReceiveMessage on https:.*: pass --region or set AWS_REGION\.$/,
    ],
    [
      { code: 'ENOTFOUND' },
      /^Cannot reach SQS in eu-west-1 for ReceiveMessage on https:.* \(ENOTFOUND\): check --region/,
    ],
    [
      { name: 'AccessDenied', message: 'not authorized\nto do this' },
      /^SQS in eu-west-1 refused ReceiveMessage on https:.* \(AccessDenied: not authorized to do this\): use credentials allowed sqs:ReceiveMessage on that queue, or renew them\.$/,
    ],
    [
      { name: 'QueueDoesNotExist' },
      /^SQS in eu-west-1 has no queue https:.* \(ReceiveMessage\): check the URL, the account and --region\.$/,
    ],
    [
      { name: 'OverLimit', message: 'too many' },
      /^ReceiveMessage on https:.* failed at SQS in eu-west-1: OverLimit: too many$/,
    ],
  ])('%j', (error, message) => {
    const failure = fail(error);
    expect(failure.code).toBe('E_CONFIG');
    expect(failure.message).toMatch(message);
    expect(failure.message).not.toContain('\n');
  });
});

describe('openSqs', () => {
  it('gives a local endpoint dummy credentials and us-east-1, and names where it talks', async () => {
    const local = openSqs(undefined, { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4566' });
    expect(local.where).toBe('http://127.0.0.1:4566');
    expect(await local.client.config.region()).toBe('us-east-1');
    expect(await local.client.config.credentials()).toMatchObject({ accessKeyId: 'triggerkit' });
    const aws = openSqs('ap-south-1', { AWS_REGION: 'eu-west-1' });
    expect(aws.where).toBe('SQS in ap-south-1');
    expect(await aws.client.config.region()).toBe('ap-south-1');
  });
});
