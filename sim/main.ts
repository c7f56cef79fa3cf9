/**
 * `npm run sim`: the Vidu simulator on VIDU_SIM_HOST:VIDU_SIM_PORT
 * (default 127.0.0.1:8790). Configuration: sim/README.md.
 */
import { loadSimConfig, SimConfigError } from './config';
import { startSim } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadSimConfig(process.env);
  } catch (err) {
    if (err instanceof SimConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const sim = await startSim(config);
  console.log(
    `vidu simulator listening on ${sim.url} (API key "${config.apiKey === 'sim-key' ? 'sim-key' : '<set>'}", time scale ${config.timeScale}, concurrency ${config.maxConcurrency})`,
  );
  const stop = (signal: string) => {
    console.log(`vidu simulator: ${signal}, shutting down`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
