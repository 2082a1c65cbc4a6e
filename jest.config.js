/** Tests are compiled by `tsc` first (npm test runs the build), then jest runs the JavaScript. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/lib/test'],
  testMatch: ['**/*.test.js'],
  testTimeout: 120000,
  maxWorkers: 1,
}
