import { defineConfig } from 'vitest/config';

// The secret the recorded deliveries in events/ were signed with (generate-event --secret local-secret).
export default defineConfig({ test: { env: { GITHUB_WEBHOOK_SECRET: 'local-secret' } } });
