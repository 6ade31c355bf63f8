/** The part of an OSS notification entry this handler reads, as a JSON Schema. */
export const imageSchema = {
  type: 'object',
  required: ['oss'],
  properties: {
    oss: {
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

export interface Image {
  oss: { bucket: { name: string }; object: { key: string; size: number } };
}
