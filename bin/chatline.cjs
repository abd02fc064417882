#!/usr/bin/env node
// The `chatline` command: runs the TypeScript CLI through tsx (no build step).
require('tsx/cjs');
require('../cli/main.ts');
