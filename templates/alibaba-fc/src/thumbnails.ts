/**
 * JPEG images uploaded under `images/` in the `uploads` OSS bucket, on Alibaba Cloud Function Compute.
 * The CloudEvent's `subject` names the bucket and the key, `data` is the OSS notification entry. A failure is retried by
 * FC (the retries of `retry`, at most 8), then sent to the function's MNS dead-letter queue.
 */
import { defineHandler } from 'triggerkit';
import { type Image, imageSchema } from './image.js';

export const handler = defineHandler<Image>({
  name: 'thumbnails',
  sources: [{ type: 'alibaba:oss', bucket: 'uploads', prefix: 'images/', suffix: '.jpg' }],
  schema: imageSchema,
  retry: { maxAttempts: 4 },
  async handle(event, ctx) {
    const { bucket, object } = (event.data as Image).oss;
    // Read it with the OSS SDK (ali-oss), using the function's credentials: ctx.fc?.credentials
    return {
      thumbnail: `oss://${bucket.name}/thumbnails/${object.key}`,
      bytes: object.size,
      on: ctx.fc ? 'fc' : 'local',
    };
  },
});
