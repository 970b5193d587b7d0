import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code runs in Temporal's deterministic sandbox: Node built-ins (fs, http, crypto...)
// are not available there and would break replay, so importing them under workflows/ is an error.
const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]).filter((m) => m !== 'assert');

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'src/console/dist/**', 'bin/**', 'eslint.config.mjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    // Tests of pure workflow-side classes run in Node, not in the workflow sandbox.
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      // Type-only imports of activity signatures are how proxyActivities is typed; values are not.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'workflow code is replayed in a sandbox without Node built-ins; do I/O in an activity' })),
          patterns: [{ group: ['**/activities/**', '**/store/**', '**/connectors/**', '**/sandbox/**', '**/api/**'], allowTypeImports: true, message: 'workflow code may only import types from I/O modules' }],
        },
      ],
    },
  },
);
