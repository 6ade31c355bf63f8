/**
 * The two event formats of an Alibaba MNS topic trigger, without their normalizer: JSON (`TopicOwner`,
 * `MessageMD5`, `Message`…) and STREAM with attributes (`{ body, attrs }`).
 */
import { isObject, type JsonObject } from '../types.js';

export const isMnsJsonFormat = (raw: JsonObject): boolean =>
  typeof raw.TopicOwner === 'string' && typeof raw.MessageMD5 === 'string' && 'Message' in raw;

export const isMnsStreamFormat = (raw: JsonObject): boolean =>
  typeof raw.body === 'string' && isObject(raw.attrs) && Object.keys(raw).length === 2;

export const isMnsTopicMessage = (raw: unknown): raw is JsonObject =>
  isObject(raw) && (isMnsJsonFormat(raw) || isMnsStreamFormat(raw));
