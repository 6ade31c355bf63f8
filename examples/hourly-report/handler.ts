/**
 * Runs every hour on EventBridge's schedule (`triggerkit dev --time-scale 3600` makes that every second).
 * The event is EventBridge's Scheduled Event: its `time` is the scheduled time.
 */
import { defineHandler } from 'triggerkit';

export const handler = defineHandler({
  name: 'hourly-report',
  sources: [{ type: 'aws:schedule', expression: 'rate(1 hour)' }],
  async handle(event) {
    return { reportFor: event.time };
  },
});
