// One lint setup for the whole repository. Prettier owns formatting; ESLint owns correctness.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'results/**',
      '.cache/**',
      'src/crossbar/wasm/**',
      'extension/app/build/**',
      'extension/app/core/**',
      'extension/lib/**',
      'extension/labextension/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    // Build scripts in CommonJS (webpack configs) run in Node.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
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
