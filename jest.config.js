// Projects: `unit` (pure code, no infrastructure), `integration` (*.int.spec.ts against the real
// local stack), `e2e` (test/*.e2e-spec.ts, the three apps over HTTP) and `faults` (test/faults, the
// apps under load while Kafka, PostgreSQL or Elasticsearch fail).
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  testEnvironment: 'node',
  moduleNameMapper: {
    '^#events$': '<rootDir>/libs/events/src/index.ts',
    '^#eventsourcing$': '<rootDir>/libs/eventsourcing/src/index.ts',
    '^#eventsourcing/testing$': '<rootDir>/libs/eventsourcing/src/testing/index.ts',
    '^#domain$': '<rootDir>/libs/domain/src/index.ts',
    '^#infra/(.*)$': '<rootDir>/libs/infrastructure/src/$1.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
};

// Lets CommonJS packages (@nestjs/throttler) require Nest 12's ES modules, as Node >= 20.19 does
// and Jest before Node 24.9 does not (see the resolver). Not for the unit tests: they wire no app,
// and importing Nest first would cost each file about a second.
const requireEsm = {
  resolver: '<rootDir>/test/support/jest/require-esm.resolver.cjs',
  setupFiles: ['<rootDir>/test/support/jest/require-esm.setup.ts'],
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'], testPathIgnorePatterns: ['\\.int\\.spec\\.ts$'] },
    { ...shared, ...requireEsm, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int.spec.ts'] },
    { ...shared, ...requireEsm, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    // Faults stop and start the stack's services: `npm run test:faults`, never beside other tests.
    { ...shared, ...requireEsm, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'] },
  ],
};
