#!/usr/bin/env node
// The `chatline` command. In a checkout it runs the TypeScript CLI through tsx (no build step);
// from the installed package it runs the compiled CLI in dist/ (`npm run build` made it).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const source = join(__dirname, '..', 'cli', 'main.ts');
if (existsSync(source)) {
  require('tsx/cjs');
  require(source);
} else {
  require(join(__dirname, '..', 'dist', 'cli', 'main.js'));
}
