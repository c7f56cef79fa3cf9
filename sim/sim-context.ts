import type { CallbackSender } from './callbacks';
import type { SimClock } from './clock';
import type { SimConfig } from './config';
import type { CreationFiles } from './creations';
import type { Engine } from './engine';
import type { Faults } from './faults';
import type { IdGenerator } from './ids';
import type { Ledger } from './ledger';
import type { MediaSigner } from './media-urls';
import type { Rng } from './random';
import type { PriceTable } from '../vidu/prices';
import type { SimStore } from './store';

// The parts of one simulator instance, as every route and helper sees them. Apart from
// context.ts (which builds them and imports the AD-film and output helpers), so those helpers can
// name the type without importing the file that imports them.

export interface SimContext {
  config: SimConfig;
  clock: SimClock;
  rng: Rng;
  ids: IdGenerator;
  store: SimStore;
  ledger: Ledger;
  faults: Faults;
  engine: Engine;
  callbacks: CallbackSender;
  signer: MediaSigner;
  files: CreationFiles;
  /** The prices the sim charges (sim/pricing.ts): the registry's table, the stand-ins, VIDU_SIM_PRICES_FILE. */
  prices: PriceTable;
  /** Base URL of the media links; set once the server listens. */
  baseUrl: string;
  /** The `key_id` shown in task lists: a stable, non-secret label of the API key. */
  keyId: string;
  reset(): void;
}
