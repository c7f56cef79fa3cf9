import type { FastifyReply } from 'fastify';

// The studio's one HTML document and the headers every studio response carries. The page is a
// shell: the script builds everything with DOM calls, setting user-supplied text with
// textContent only (studio/dom.ts), so no data ever reaches an HTML parser.

/**
 * No inline script or style, nothing from another origin: scripts, styles, media and API calls
 * come from this API alone. `frame-ancestors 'none'` forbids framing (clickjacking), `form-action
 * 'none'` and `base-uri 'none'` leave no HTML-injection lever even if markup slipped through.
 */
export const STUDIO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "media-src 'self'",
  "connect-src 'self'",
  "font-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Media answered on their own (opened directly in a tab): nothing in them may run or be framed. */
export const MEDIA_CSP = "default-src 'none'; media-src 'self'; img-src 'self'; sandbox; frame-ancestors 'self'";

export function studioHeaders(reply: FastifyReply, csp = STUDIO_CSP): FastifyReply {
  return reply
    .header('content-security-policy', csp)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin')
    .header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
}

/** Text for an HTML text node or a double-quoted attribute (the shell's asset names). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function studioHtml(assets: { script: string; style: string }): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>vidu-flow studio</title>',
    `<link rel="stylesheet" href="${escapeHtml(assets.style)}">`,
    `<script src="${escapeHtml(assets.script)}" defer></script>`,
    '</head>',
    '<body>',
    '<header class="top"><a class="brand" href="#/">vidu-flow studio</a><nav id="nav" aria-label="Studio"></nav></header>',
    '<main id="app"><p>Loading the studio…</p></main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
