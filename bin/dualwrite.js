#!/usr/bin/env node
// The CLI ships as TypeScript source run through tsx, so there is no build step between a
// change and what operators run.
require('tsx/cjs');
require('../src/cli/main.ts');
