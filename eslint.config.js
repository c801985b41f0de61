// ESLint: type-checked TypeScript rules, type-only imports, and the dependency direction of
// STYLE.md (the domain and the event contracts import no framework, driver or Node built-in).
import tseslint from 'typescript-eslint';

const infrastructure = ['@nestjs/*', 'pg', 'pg-*', 'kafkajs', '@elastic/*', '@eventstore/*', 'node:*', '#infra/*'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.local/**', 'coverage/**', 'bench/results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['libs/domain/**/*.ts', 'libs/events/**/*.ts', 'libs/eventsourcing/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: infrastructure, message: 'libs/domain, libs/events and libs/eventsourcing stay free of frameworks, drivers and I/O.' }] }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['apps/query-api/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['#domain', '**/libs/domain/**'], message: 'query-api reads read models; it never imports the domain.' }] }] },
  },
  {
    // Tests poke at JSON replies and mocks of nothing: relax the rules about untyped values there.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', '**/*.contract.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
