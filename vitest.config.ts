import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-report.json' }]],
    // Most end-to-end time is spent waiting on a spawned binary, a sandbox or a deadline, not on this process: three
    // files side by side keep both cores busy (vitest's default on 2 cores is one file at a time).
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: {
      // Ink draws only its last frame when CI is set; the UI tests assert on live frames, so CI runs must not
      // change what they see. Commands under test get their environment explicitly.
      CI: 'false',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      AWS_REGION: 'us-east-1',
    },
  },
});
