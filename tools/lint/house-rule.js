/**
 * The house plan's import rule for ESLint (wired in eslint.config.mjs, tested in test/tools/lint): arrows
 * point down between top-level folders, and workflow and contract code import only from an allow-list.
 * CommonJS so that both ESLint's config and Jest load it as it is.
 */
const path = require('node:path');

/**
 * The house plan as ranks: a folder may import only from folders ranked below it (and from itself), so
 * arrows point down and no cycle between folders can form. Tests may import anything.
 */
const RANKS = {
  contracts: 0,
  config: 1,
  lib: 2,
  codec: 3,
  db: 3,
  messaging: 4,
  portal: 4,
  // Above messaging: the ATR document takes its citizen-facing words from messaging's wording.
  pdf: 5,
  activities: 6,
  workflows: 6,
  client: 7,
  worker: 7,
  api: 8,
  cli: 8,
  tools: 9,
};

/**
 * Allow-lists for code that must stay deterministic or Node-free: the packages it may import; relative
 * imports may reach only the listed folders.
 */
const ALLOW = {
  workflows: { packages: ['@temporalio/workflow'], folders: ['workflows', 'contracts'] },
  contracts: { packages: ['@temporalio/workflow', '@temporalio/common', 'zod'], folders: ['contracts'] },
};

const root = path.resolve(__dirname, '..', '..');
const folderOf = (file) => path.relative(root, file).split(path.sep)[0];

const houseRule = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const from = folderOf(context.filename);
    if (!(from in RANKS)) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const allow = ALLOW[from];
      if (!spec.startsWith('.')) {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (allow && !allow.packages.includes(pkg)) {
          context.report({ node, message: `${from}/ may import only ${allow.packages.join(', ')} among packages, not '${spec}'.` });
        }
        return;
      }
      const to = folderOf(path.resolve(path.dirname(context.filename), spec));
      if (to === from) return;
      if (allow && !allow.folders.includes(to)) {
        context.report({ node, message: `${from}/ may import only from ${allow.folders.join(', ')}/ (deterministic, Node-free code), not '${spec}'.` });
      } else if (!allow && !(to in RANKS && RANKS[to] < RANKS[from])) {
        context.report({ node, message: `${from}/ must not import ${to}/ ('${spec}'): imports point down the house plan (see RANKS in tools/lint/house-rule.js).` });
      }
    };
    /** A module specifier written as a plain string or a template literal without expressions. */
    const literal = (node) => {
      if (node?.type === 'Literal') return node.value;
      if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
      return undefined;
    };
    const checkNode = (node) => node && check(node, literal(node));
    return {
      ImportDeclaration: (node) => checkNode(node.source),
      ExportNamedDeclaration: (node) => checkNode(node.source),
      ExportAllDeclaration: (node) => checkNode(node.source),
      ImportExpression: (node) => checkNode(node.source),
      // `import x = require('...')` and `type T = import('...').U`: TypeScript's own forms.
      TSImportEqualsDeclaration: (node) => node.moduleReference.type === 'TSExternalModuleReference' && checkNode(node.moduleReference.expression),
      TSImportType: (node) => checkNode(node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument),
      CallExpression: (node) => {
        const callee = node.callee;
        const isRequire = callee.type === 'Identifier' && callee.name === 'require';
        const isResolve = callee.type === 'MemberExpression' && callee.object.name === 'require' && callee.property.name === 'resolve';
        if (isRequire || isResolve) checkNode(node.arguments[0]);
      },
    };
  },
};

module.exports = { RANKS, ALLOW, houseRule };
