import type { Config } from 'jest';

// Type-checking happens once in `npm test` (tsc --noEmit); with `isolatedModules` in tsconfig,
// ts-jest only transpiles each file, which keeps a cold run fast.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  globalSetup: '<rootDir>/test/setup/globalSetup.ts',
  globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};

export default config;
