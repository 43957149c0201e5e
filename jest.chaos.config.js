/** The chaos suite: its own PostgreSQL, Temporal dev server, worker and API processes; one test at a time. */
const base = require('./jest.config');

module.exports = {
  testEnvironment: base.testEnvironment,
  transform: base.transform,
  roots: ['<rootDir>/test/chaos'],
  testMatch: ['**/*.test.ts'],
  setupFiles: base.setupFiles,
  testTimeout: 30 * 60_000,
  maxWorkers: 1,
};
