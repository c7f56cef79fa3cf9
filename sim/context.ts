/**
 * The parts of one simulator instance, wired together once and handed to
 * every route. Reset puts them all back to their start-up state.
 */
import { createHash } from 'node:crypto';
import { buildAdFilmBook, buildMusicVideoBook } from './ad-film';
import { CallbackSender } from './callbacks';
import { SimClock } from './clock';
import type { SimConfig } from './config';
import { CreationFiles } from './creations';
import { Engine } from './engine';
import { Faults } from './faults';
import { IdGenerator } from './ids';
import { Ledger } from './ledger';
import { MediaSigner } from './media-urls';
import { addCreation } from './outputs';
import { simPriceTable } from './pricing';
import { createRng } from './random';
import type { SimContext } from './sim-context';
import { SimStore } from './store';
import { generationBody } from './views';

export type { SimContext } from './sim-context';

export function createContext(config: SimConfig): SimContext {
  const clock = new SimClock(config.timeScale);
  const rng = createRng(config.seed);
  const store = new SimStore(config.requestLogLimit);
  const ledger = new Ledger(config.credits);
  const faults = new Faults(rng, config.faults);
  // The media signing key is derived, not random, so URLs stay valid across a
  // restart with the same key (handy when a demo restarts the sim).
  const mediaSecret = createHash('sha256').update(`vidu-sim-media:${config.apiKey}`).digest('hex');

  const signer = new MediaSigner(mediaSecret, config.urlTtlSeconds, () => ctx.baseUrl);
  const callbacks = new CallbackSender({
    apiKey: config.apiKey,
    retries: config.callbackRetries,
    retryMs: config.callbackRetryMs,
    timeoutMs: config.callbackTimeoutMs,
    rng,
    faults: () => faults.callbacks(),
    body: (task, snap) => generationBody(task, snap, signer, clock.now()),
    logLimit: config.requestLogLimit,
  });
  const engine = new Engine(clock, store, ledger, config.maxConcurrency, {
    produce: (task, at) => {
      addCreation(ctx, task);
      if (task.kind === 'ad-one-click') buildAdFilmBook(ctx, task, at);
      if (task.kind === 'one-click-mv') buildMusicVideoBook(ctx, task, at);
    },
    stateChanged: (task, snap) => callbacks.notify(task, snap),
  });
  const files = new CreationFiles();

  const ctx: SimContext = {
    config,
    clock,
    rng,
    ids: new IdGenerator(rng),
    store,
    ledger,
    faults,
    engine,
    callbacks,
    signer,
    files,
    prices: simPriceTable(config.prices),
    baseUrl: config.publicUrl ?? `http://${config.host}:${config.port}`,
    keyId: createHash('sha256').update(config.apiKey).digest('hex').slice(0, 16),
    reset() {
      callbacks.reset();
      clock.reset();
      engine.reset();
      store.reset();
      ledger.reset(config.credits);
      faults.set(config.faults);
      files.clear();
    },
  };
  return ctx;
}
