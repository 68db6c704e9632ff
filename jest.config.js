/** One real Strapi per test file, booted from the build that globalSetup compiles once. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  globalSetup: '<rootDir>/tests/global-setup.js',
  testTimeout: 120000,
  maxWorkers: 1,
  verbose: true,
};
