#!/usr/bin/env node
// The CLI ships as TypeScript source run through tsx, so there is no build step between a
// change and what operators run.
require('tsx/cjs');
// main.ts runs itself only as the entry module; here it is required, so start it explicitly
// (npx calls this file through a symlink whose name is not bin/dualwrite.js).
require('../src/cli/main.ts').run();
