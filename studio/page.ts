// What a page of the studio is: studio/main.ts routes to pages, and each page declares itself as
// one of these (a file of its own so the pages and the router do not import each other).

/** Stops what a page keeps running (event streams, polls) when the reader navigates away. */
export type Stop = () => void;
export type Page = (root: HTMLElement, params: URLSearchParams, path: string[]) => Stop | void | Promise<Stop | void>;
