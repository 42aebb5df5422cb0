import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: parallel files, but bounded so servers under test are not starved.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
