// Lint rules that matter here: no floating promises anywhere, and workflow code that stays deterministic
// (no Node built-ins, no pg, no runtime import of activity implementations under workflows/).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', '.data/', 'coverage/', 'test/.artifacts/', 'eslint.config.mjs', 'jest.config.js', 'jest.chaos.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts', 'contracts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'pg', 'pdf-lib', 'fastify', 'pino'].map((name) => ({
            name,
            message: 'Workflow code must be deterministic: no Node built-ins, I/O libraries or database clients.',
          })),
          patterns: [
            {
              group: ['**/activities', '**/activities/*', '**/db/*', '**/messaging/*', '**/pdf/*', '**/portal/*', '**/infra/*', '**/lib/*'],
              allowTypeImports: true,
              message: 'Workflows may import activity types only (import type); implementations run in the worker.',
            },
          ],
        },
      ],
    },
  },
);
