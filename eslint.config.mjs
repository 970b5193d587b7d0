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
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: nodeBuiltins, patterns: ['**/activities/**', '**/store/**', '**/connectors/**'] }],
    },
  },
);
