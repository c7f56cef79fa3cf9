// `npx tsx dev/python-sdk-main.ts --ensure-only`: find or create the venv with the pinned temporalio
// (dev/python-sdk.ts) and print `{ python, venv, temporalio, route }` as JSON on stdout.
// `npx tsx dev/python-sdk-main.ts <script.py> [args…]`: the same, then run the script with the venv's
// python (e.g. examples/temporal-sdk-caller.py against a running stack), exiting with its code.

import { spawn } from 'node:child_process';
import { ensurePythonSdk } from './python-sdk';

async function main(argv: string[]): Promise<number> {
  const sdk = await ensurePythonSdk();
  if (argv[0] === '--ensure-only' || argv.length === 0) {
    process.stdout.write(`${JSON.stringify(sdk)}\n`);
    process.stderr.write(`python with temporalio ${sdk.temporalio}: ${sdk.python} (route: ${sdk.route})\n`);
    return 0;
  }
  const child = spawn(sdk.python, argv, { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
