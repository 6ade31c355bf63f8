/**
 * ORIGINAL (the complete event): the target receives the whole CloudEvent as `data`, attributes and
 * `aliyun*` extensions included — what an audit archive wants to keep.
 */
import { type CloudEvent, defineHandler } from 'triggerkit';
import { importUploads } from './rule.js';

type OssUpload = CloudEvent<{ oss: { object: { key: string } } }>;

export const handler = defineHandler<OssUpload>({
  name: 'oss-archive',
  sources: [{ type: 'alibaba:eventbridge' }],
  filter: importUploads,
  filterDialect: 'alibaba',
  transform: { form: 'ORIGINAL' },
  async handle(event) {
    const original = event.data;
    return { archived: original.id, key: original.data?.oss.object.key, bus: original.aliyuneventbusname };
  },
});
