import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'build/', '.tmp/', '.strapi/', 'types/generated/', 'coverage/', 'tests/artifacts/', 'bench/.work/', 'public/uploads/', 'src/plugins/*/dist/', 'tests/fixtures/recipe-app/public/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        strapi: 'readonly',
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['public/**/*.js', 'src/plugins/reactions/bar/**/*.js'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        customElements: 'readonly',
        HTMLElement: 'readonly',
        localStorage: 'readonly',
        fetch: 'readonly',
        location: 'readonly',
        history: 'readonly',
        Element: 'readonly',
        Node: 'readonly',
        CustomEvent: 'readonly',
        CSSStyleSheet: 'readonly',
        URLSearchParams: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
  }
);
