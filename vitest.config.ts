import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts', 'test/reliability/support/prerequisites-setup.ts', 'test/reliability/support/figures-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          // One file at a time: the figures are timings on a 2-core machine.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          // Builds the 18, 20 and 22 images once for every file (a few minutes cold).
          globalSetup: ['test/e2e/support/global-setup.ts'],
          testTimeout: 10 * 60_000,
          hookTimeout: 20 * 60_000,
          // One file at a time: they share the engine, the images and 2 cores.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'matrix',
          include: ['test/matrix/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'corpus',
          include: ['test/corpus/**/*.test.ts'],
          globalSetup: ['test/corpus/support/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 900_000,
          // Two programs at a time (each case runs bare, then under our tree): the machine has 2 cores.
          maxConcurrency: 2,
        },
      },
    ],
  },
});
