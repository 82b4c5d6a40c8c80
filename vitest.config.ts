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
          // The cluster's node on its own (containerd, runc, CNI, the kubelet in standalone
          // mode), before and apart from the cluster project's control plane: one node
          // per machine, so it runs while no cluster is up.
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          testTimeout: 5 * 60_000,
          // A cold build of the kubelet, kube-proxy, containerd and CoreDNS on 2 shared cores.
          hookTimeout: 60 * 60_000,
          // One file at a time: they share the one node (its bridge, rules and ports).
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          // npm run cluster -- up: builds the control plane, etcd, the operator and the
          // collector from their Go modules when not cached (long on 2 cores), then starts them.
          globalSetup: ['test/cluster/support/global-setup.ts'],
          testTimeout: 5 * 60_000,
          hookTimeout: 10 * 60_000,
          // One file at a time: they share one cluster.
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
