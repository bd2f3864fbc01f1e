/** One jest run covers unit specs beside the code, the store contract suite and the e2e suite. */
module.exports = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec|contract-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // NestJS 12 and some of its dependencies are ESM only; Jest on Node < 24.9 cannot require() them.
    // The transformer converts ESM files of node_modules to CommonJS and leaves the others as they are.
    '^.+/node_modules/.+\\.m?js$': '<rootDir>/test/jest/esm-to-cjs.transformer.js',
  },
  transformIgnorePatterns: ['\\.pnp\\.[^\\/]+$'],
  testEnvironment: 'node',
  reporters: ['default', '<rootDir>/test/jest/summary-reporter.js'],
  globalSetup: '<rootDir>/test/global-setup.js',
  testTimeout: 30000,
};
