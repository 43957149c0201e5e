/**
 * The house plan's import rule bites: each case lints one import as if it stood in a given file, with the
 * same rule ESLint runs on the tree (tools/lint/house-rule.js).
 */
import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { PROJECT_ROOT } from '../../../lib/paths';

const { houseRule } = require('../../../tools/lint/house-rule.js');

function problems(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const config = [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser as Linter.Parser },
      plugins: { house: { rules: { imports: houseRule } } },
      rules: { 'house/imports': 'error' as const },
    },
  ];
  return linter.verify(code, config, { filename: path.join(PROJECT_ROOT, file) }).map((m) => m.message);
}

test('workflow code may import @temporalio/workflow, contracts and other workflow code', () => {
  const code = `import { sleep } from '@temporalio/workflow';\nimport { SA } from '../../contracts/workflow';\nimport { iso } from './schedule';\nimport { x } from '../other/y';`;
  expect(problems('workflows/atr/index.ts', code)).toEqual([]);
});

test.each([
  ['a Node built-in', `import fs from 'node:fs';`],
  ['a database client', `import { Pool } from 'pg';`],
  ['another Temporal package', `import { Connection } from '@temporalio/client';`],
  ['the messaging channels', `import { toE164 } from '../../messaging/whatsapp/protocol';`],
  ['the codec', `import { AesGcmCodec } from '../../codec/aes-gcm';`],
  ['activity code, even as a type', `import type { X } from '../../activities';`],
  ['a Node built-in through import-equals', `import fs = require('node:fs');`],
  ['activity code through import-equals', `import a = require('../../activities');`],
  ['activity types through an import type', `type X = import('../../activities').AtrActivityDeps;`],
  ['a database client through an import type', `type P = import('pg').Pool;`],
  ['activity code through a template-literal dynamic import', "const a = import(`../../activities`);"],
])('workflow code may not import %s', (_what, code) => {
  expect(problems('workflows/atr/index.ts', code)).toHaveLength(1);
});

test('contracts stay Node-free', () => {
  expect(problems('contracts/workflow.ts', `import { createHash } from 'node:crypto';`)).toHaveLength(1);
  expect(problems('contracts/workflow.ts', `import { z } from 'zod';\nimport type { Closure } from './closure';`)).toEqual([]);
});

test.each([
  ['db/repositories/closures.ts', `import type { Store } from '../../activities/ports';`],
  ['pdf/atr/render.ts', `import type { AtrRenderer } from '../../activities/ports';`],
  ['config/index.ts', `import { parseCodecKeys } from '../codec/aes-gcm';`],
  ['messaging/wording/index.ts', `import type { CitizenMessage } from '../../activities/ports';`],
  ['worker/index.ts', `import { buildSimulator } from '../tools/simulator/server';`],
  ['api/server.ts', `const s = require('../tools/scripts/start');`],
])('an import that runs back up is refused: %s', (file, code) => {
  expect(problems(file, code)[0]).toMatch(/must not import/);
});

test('imports that point down are fine, and tools and tests may import anything', () => {
  expect(problems('activities/index.ts', `import { smsText } from '../messaging/wording';\nimport type { X } from '../db/repositories/closures';`)).toEqual([]);
  expect(problems('tools/bench/e2e.ts', `import { createPool } from '../../db/pool';`)).toEqual([]);
  expect(problems('test/x.test.ts', `import { buildSimulator } from '../tools/simulator/server';`)).toEqual([]);
});
