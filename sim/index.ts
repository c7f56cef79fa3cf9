/** The simulator's public surface for tests, the demo and benchmarks. */
export { startSim, buildApp, type RunningSim } from './server';
export { loadSimConfig, SimConfigError, type SimConfig } from './config';
export { ENDPOINT_KEYS, type EndpointKey, type FaultConfig, type EndpointFault, type CallbackFaults } from './faults';
export { simPrice, simPriceTable, SIM_STAND_IN_PRICES } from './pricing';
export { storyboardDurations } from './ad-film';
