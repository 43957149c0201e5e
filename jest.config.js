/** Jest: TypeScript through SWC; one Temporal dev server, one test database and one workflow bundle per run. */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The chaos suite runs on its own (jest.chaos.config.js): it restarts servers and must not share a run.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/chaos/'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup/quiet-runtime.ts'],
  // Workflow tests wait on real servers; a slow 2-core CI machine needs room.
  testTimeout: 120_000,
  maxWorkers: 2,
};
