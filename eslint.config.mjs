// Lint rules that matter here: no floating promises anywhere, and the house plan's import rule
// (tools/lint/house-rule.js): imports point down, and workflow code stays deterministic.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import houseRules from './tools/lint/house-rule.js';

const { houseRule } = houseRules;

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', '.data/', 'coverage/', 'test/.artifacts/', 'eslint.config.mjs', 'jest.config.js', 'jest.chaos.config.js', 'tools/lint/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { house: { rules: { imports: houseRule } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'house/imports': 'error',
    },
  },
);
