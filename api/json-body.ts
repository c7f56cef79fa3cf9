import type { FastifyInstance } from 'fastify';

// The API's JSON body parser: fastify's own (secure-json-parse: `__proto__` and `constructor`
// poisoning refused), behind a nesting-depth check made on the raw text in one linear pass,
// before JSON.parse builds anything. A 10 MiB `[[[[…` is refused after scanning at most
// `maxDepth + 1` brackets, instead of the parser allocating millions of nested arrays (issue 16
// item 1: one such body took the heap to 699 MB and blocked the event loop for 3 s).
// The size is bounded before this runs: fastify stops reading at the route's bodyLimit (413).

/** The deepest legitimate request (a workflow input with options and notify) nests 6 levels; 32 leaves room. */
export const DEFAULT_JSON_MAX_DEPTH = 32;

/**
 * Whether `text`'s arrays and objects nest deeper than `maxDepth`. Brackets inside strings do not
 * count (a string ends at an unescaped `"`). Stops at the first bracket past the limit. The text
 * need not be valid JSON: whatever is malformed is left to JSON.parse.
 */
export function nestedDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

export class JsonTooDeepError extends Error {
  readonly statusCode = 400;
  readonly code = 'VF_JSON_TOO_DEEP';
  constructor(readonly maxDepth: number) {
    super(`the JSON body nests arrays and objects deeper than ${maxDepth} levels`);
    this.name = 'JsonTooDeepError';
  }
}

/** Replaces fastify's application/json parser with the depth-checked one. */
export function useDepthLimitedJson(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (nestedDeeperThan(text, maxDepth)) {
      done(new JsonTooDeepError(maxDepth), undefined);
      return;
    }
    parse(req, text, done);
  });
}
