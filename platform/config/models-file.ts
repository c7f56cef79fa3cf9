// Reads the operator's models file (VIDU_FLOW_MODELS_FILE; format: vidu/models-file.ts, README
// "New models without a release") and installs it for this process, so the request checks judge
// the models and fields it adds like built-in ones. The worker, the API, the client (and so the
// CLI) and the simulator call it at start; a bad file stops the start with one line per problem.
import { readFileSync } from 'node:fs';
import { installModelExtensions, type ModelExtensions } from '../../vidu/model-extensions';
import { compileModelsFile, MODELS_FILE_ENV } from '../../vidu/models-file';
import { ConfigError } from './env';

/** The variable every process that checks requests reads (compose lists: test/unit/compose-env.test.ts). */
export const MODELS_FILE_ENV_VARS: readonly string[] = [MODELS_FILE_ENV];

/** Loads and installs the file `env` names; with none set, installs nothing (built-in models and fields only). */
export function loadModelsFile(env: Record<string, string | undefined> = process.env): ModelExtensions | undefined {
  const file = env[MODELS_FILE_ENV]?.trim();
  if (!file) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code
      ? `cannot be read (${(err as NodeJS.ErrnoException).code})`
      : `is not JSON (${(err as Error).message})`;
    throw new ConfigError([`${MODELS_FILE_ENV}: ${file} ${why}`]);
  }
  const compiled = compileModelsFile(raw, file);
  if (!compiled.ok) throw new ConfigError(compiled.problems.map((p) => `${MODELS_FILE_ENV}: ${p}`));
  installModelExtensions(compiled.extensions);
  return compiled.extensions;
}
