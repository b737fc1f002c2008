import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests spawn real Claude Code processes (~220 MB each); keep parallelism modest.
    maxWorkers: 2,
  },
});
