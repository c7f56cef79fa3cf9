// The interactive reference at /docs: one self-contained HTML page (no CDN, no external script,
// so it works where nothing outside is reachable). It lists every operation of the OpenAPI
// document with its parameters, request and response schemas, and lets a reader send a request
// with their API key from the page itself.

type Json = Record<string, unknown>;

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function resolve(doc: Json, node: unknown): unknown {
  const r = (node as { $ref?: string } | undefined)?.$ref;
  if (!r) return node;
  return r
    .split('/')
    .slice(1)
    .reduce<unknown>((cur, key) => (cur as Json)?.[key], doc);
}

export function renderDocsPage(doc: Json): string {
  const info = doc.info as { title: string; description: string };
  const ops: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, raw] of Object.entries(item)) {
      const op = raw as {
        operationId: string;
        summary: string;
        parameters?: Json[];
        requestBody?: Json;
        responses: Json;
        security?: Array<{ apiKey: string[] }>;
      };
      const params = (op.parameters ?? [])
        .map(
          (p) =>
            `<li><code>${esc(String(p.name))}</code> (${esc(String(p.in))}${p.required ? ', required' : ''})${p.description ? ` — ${esc(String(p.description))}` : ''}</li>`,
        )
        .join('');
      // A JSON body gets its schema and a try-it box; POST /v1/uploads takes raw bytes (curl --data-binary).
      const jsonBody = (op.requestBody?.content as Json | undefined)?.['application/json'] as Json | undefined;
      const body = jsonBody ? resolve(doc, jsonBody.schema) : undefined;
      const responses = Object.entries(op.responses)
        .map(
          ([code, r]) =>
            `<li><code>${esc(code)}</code> ${esc(String((resolve(doc, r) as Json).description ?? ''))}</li>`,
        )
        .join('');
      const pathInputs = [...path.matchAll(/\{(\w+)\}/g)]
        .map((m) => `<label>${esc(m[1]!)} <input name="${esc(m[1]!)}" required></label>`)
        .join(' ');
      ops.push(`<section id="${esc(op.operationId)}">
<h2><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h2>
<p>${esc(op.summary)}${op.security?.[0]?.apiKey.length ? ` · scope <code>${esc(op.security[0].apiKey.join(', '))}</code>` : ''}</p>
${params ? `<h3>Parameters</h3><ul>${params}</ul>` : ''}
${body ? `<details><summary>Request body schema</summary><pre>${esc(JSON.stringify(body, null, 2))}</pre></details>` : ''}
<h3>Responses</h3><ul>${responses}</ul>
<form data-method="${esc(method.toUpperCase())}" data-path="${esc(path)}">${pathInputs}
${body ? '<textarea name="body" rows="6">{\n  "request": {}\n}</textarea>' : ''}
<label>Idempotency-Key <input name="idem"></label> <button>Send</button><pre class="out"></pre></form>
</section>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}section{border-top:1px solid #ddd;padding:.5rem 0}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:24rem}.m{font-size:.8em;padding:.1em .4em;border-radius:3px;color:#fff;background:#555}
.m.post{background:#2a7}.m.get{background:#27a}textarea{width:100%;font-family:monospace}</style></head><body>
<h1>${esc(info.title)}</h1><p>${esc(info.description)}</p>
<p>The machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors are RFC 9457 problem details (<code>application/problem+json</code>) with <code>errors: [{ field, message }]</code>.
Completion webhooks are signed per Standard Webhooks (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature: v1,…</code>).</p>
<p><label>API key <input id="key" type="password" size="50" autocomplete="off"></label> (kept in this page only)</p>
${ops.join('\n')}
<script>
document.querySelectorAll('form').forEach(function (f) {
  f.addEventListener('submit', async function (e) {
    e.preventDefault();
    var path = f.dataset.path.replace(/\\{(\\w+)\\}/g, function (_, n) { return encodeURIComponent(f.elements[n].value); });
    var headers = { authorization: 'Bearer ' + document.getElementById('key').value };
    if (f.elements.idem.value) headers['idempotency-key'] = f.elements.idem.value;
    var init = { method: f.dataset.method, headers: headers };
    if (f.elements.body) { headers['content-type'] = 'application/json'; init.body = f.elements.body.value; }
    var out = f.querySelector('.out');
    try { var res = await fetch(path, init); out.textContent = res.status + '\\n' + await res.text(); } catch (err) { out.textContent = String(err); }
  });
});
</script></body></html>`;
}
