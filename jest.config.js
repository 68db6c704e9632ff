/**
 * Integration tests (tests/): one real Strapi per test file, booted from the build that
 * globalSetup compiles once. Unit tests (__tests__ folders under src) never boot Strapi.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests', '<rootDir>/src'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  globalSetup: '<rootDir>/tests/global-setup.js',
  testTimeout: 120000,
  maxWorkers: 1,
  verbose: true,
};
