/**
 * CSV reports uploaded to the `uploads` bucket. The CloudEvent's `subject` is the object key (decoded),
 * `data` the S3 record; a failed record is retried, then dead-lettered.
 */
import { defineHandler } from 'triggerkit';
import { type Upload, uploadSchema } from './upload.js';

export const handler = defineHandler<Upload>({
  name: 'reports',
  sources: [{ type: 'aws:s3', bucket: 'uploads', suffix: '.csv' }],
  schema: uploadSchema,
  async handle(event) {
    const { bucket, object } = (event.data as Upload).s3;
    // Read it with @aws-sdk/client-s3: new GetObjectCommand({ Bucket: bucket.name, Key: event.subject })
    return { report: `s3://${bucket.name}/${event.subject}`, bytes: object.size };
  },
});
