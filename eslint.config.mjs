// One lint setup for the whole repository. Prettier owns formatting; ESLint owns correctness.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'results/**', '.cache/**', 'src/crossbar/wasm/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Determinism: every random draw in the library comes from a seeded generator that is passed in.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Use a seeded Rng stream (src/core/rng.ts).',
        },
      ],
      'no-console': 'error',
    },
  },
);
