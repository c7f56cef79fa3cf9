#!/usr/bin/env node
'use strict';
// The `vidu-flow` bin: runs the TypeScript CLI (client/cli.ts) through tsx's CommonJS hook, in
// this process, from wherever it is installed or linked. No build step.
require('tsx/cjs');
require('./cli.ts').main(process.argv);
