// ESLint: TypeScript rules, and Nx module boundaries that keep the layering honest.
//
// Layers (tag "type:*"): app -> feature -> data-access / domain -> util.
// contracts depend on nothing but util. Scopes (tag "scope:*"): a service's
// projects use their own scope and "shared", never another service's.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** Which layers each layer may import; test files may also import the test harness. */
function layers({ inTests }) {
  const testing = inTests ? ['type:testing'] : [];
  const below = {
    'type:app': ['type:feature', 'type:data-access', 'type:domain', 'type:contracts', 'type:util'],
    'type:feature': ['type:feature', 'type:data-access', 'type:domain', 'type:contracts', 'type:util'],
    'type:data-access': ['type:data-access', 'type:domain', 'type:contracts', 'type:util'],
    'type:domain': ['type:domain', 'type:contracts', 'type:util'],
    'type:contracts': ['type:contracts', 'type:util'],
    'type:util': ['type:util'],
    'type:testing': ['type:util'],
    // End-to-end suites and the benchmark drive the system over its REST client (@dtx/shop-client, data-access).
    'type:e2e': ['type:testing', 'type:data-access', 'type:contracts', 'type:util'],
  };
  return Object.entries(below).map(([sourceTag, allowed]) => ({
    sourceTag,
    onlyDependOnLibsWithTags: [...allowed, ...testing],
  }));
}

const scopes = ['order', 'inventory', 'payment', 'orchestrator', 'coordinator', 'shared'].map((scope) => ({
  sourceTag: `scope:${scope}`,
  onlyDependOnLibsWithTags: [...new Set([`scope:${scope}`, 'scope:shared'])],
}));

const boundaries = ({ inTests }) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [...layers({ inTests }), ...scopes],
  },
];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', '.tools/**', '.local/**', '.nx/**'],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: {
      // Type information for the rules that need it (no-floating-promises).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ inTests: false }),
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // A promise nobody awaits fails silently; background loops say so with `void`.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test registers suites and tests synchronously; their promises are the runner's.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      'no-console': 'off',
    },
  },
  {
    // Tests may also use the test harness and whatever they test.
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ inTests: true }),
    },
  },
);
