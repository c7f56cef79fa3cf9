#!/usr/bin/env node
'use strict';
// The `vidu-flow` bin: runs the TypeScript CLI (cli/main.ts) through tsx's CommonJS hook, in
// this process, from wherever it is installed or linked. No build step.
require('tsx/cjs');
require('./main.ts').main(process.argv);
