#!/bin/sh
# Start a generation over HTTP with curl only, twice with one Idempotency-Key (the second answer
# is 200 with the same body), then follow its Server-Sent Events to the result.
#
#   API=http://127.0.0.1:8787 KEY=vf_… IMAGE=https://example.com/still.png sh examples/start-generation.sh
#   (`npm run demo -- --keep` prints an API URL and a key; IMAGE may be a data: URI)
#
# Add "notify":{"url":"https://you.example.com/hooks/vidu","events":["generation.updated","generation.succeeded"]}
# to the body for signed webhooks (verify them with examples/webhook-verify.py).
set -eu
: "${API:?set API, e.g. http://127.0.0.1:8787}" "${KEY:?set KEY (an API key)}" "${IMAGE:?set IMAGE (an http(s) URL or a data: URI)}"
IDEMPOTENCY_KEY=${IDEMPOTENCY_KEY:-example-$(date +%s)}
BODY=$(printf '{"request":{"model":"viduq2","images":["%s"],"prompt":"The camera pushes in","duration":5}}' "$IMAGE")

for attempt in first again; do
  printf '%s POST: ' "$attempt"
  curl -sS -o /tmp/vidu-flow-start.json -w '%{http_code}\n' -X POST "$API/v1/generations/img2video" \
    -H "Authorization: Bearer $KEY" -H "Idempotency-Key: $IDEMPOTENCY_KEY" -H 'Content-Type: application/json' -d "$BODY"
done
cat /tmp/vidu-flow-start.json; echo
EVENTS=$(sed -n 's/.*"events":"\([^"]*\)".*/\1/p' /tmp/vidu-flow-start.json)
# The stream ends after its `result` event (the generation as GET /v1/generations/{id} returns it).
curl -sS -N "$API$EVENTS" -H "Authorization: Bearer $KEY"
