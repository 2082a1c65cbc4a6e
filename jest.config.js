/** Tests are compiled by `tsc` first (`npm test` runs the build), then jest runs the JavaScript in lib/test. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/lib/test'],
  testMatch: ['**/*.test.js'],
  testTimeout: 180000,
  maxWorkers: 1,
  // a leaked handle must never hang CI: jest exits when the run is over
  forceExit: true,
  globalSetup: '<rootDir>/lib/test/setup/global-setup.js',
  globalTeardown: '<rootDir>/lib/test/setup/global-teardown.js',
}
