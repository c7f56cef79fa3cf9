/** What the simulator attaches to Fastify's request and route config. */
import 'fastify';
import type { EndpointKey } from './faults';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on every /ent/v2 route: the key for auth, counters, the request log and faults. */
    endpoint?: EndpointKey;
  }
  interface FastifyRequest {
    /** Task the request created or addressed, for the request log. */
    simTaskId: string;
    /** Set when the dropResponse fault fired: answer nothing, cut the connection. */
    simDropResponse: boolean;
    /** Simulated arrival time (RFC 3339). */
    simAt: string;
  }
}
