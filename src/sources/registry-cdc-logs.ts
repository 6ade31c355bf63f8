/** Change-data capture, log stores, and Alibaba Cloud's native shapes. */
import type { Source } from './types.js';

export const CDC_AND_LOG_SOURCES: readonly Source[] = [];
