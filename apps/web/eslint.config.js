// @ts-check
import globals from 'globals';
import root from '../../eslint.config.js';

export default [
  ...root,
  {
    // Client components and browser-side helpers run in the browser.
    files: ['src/app/**/*.tsx', 'src/trpc/**/*.tsx', 'src/components/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
  },
];
