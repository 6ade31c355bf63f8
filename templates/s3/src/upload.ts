/** The part of an S3 notification record this handler reads, as a JSON Schema. */
export const uploadSchema = {
  type: 'object',
  required: ['s3'],
  properties: {
    s3: {
      type: 'object',
      required: ['bucket', 'object'],
      properties: {
        bucket: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        object: {
          type: 'object',
          required: ['key', 'size'],
          // An empty upload is refused before the handler runs: it is never retried.
          properties: { key: { type: 'string' }, size: { type: 'integer', minimum: 1 } },
        },
      },
    },
  },
} as const;

export interface Upload {
  s3: { bucket: { name: string }; object: { key: string; size: number } };
}
