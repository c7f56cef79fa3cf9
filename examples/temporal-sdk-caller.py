#!/usr/bin/env python3
"""A vidu-flow caller in another language through a Temporal SDK: Python, the official `temporalio`
package from PyPI (pinned: temporalio==1.35.0) and the standard library, workflow types BY NAME.
Nothing here comes from vidu-flow's TypeScript: only the README and schemas/ (issue 22 item 5).

    python -m venv venv && venv/bin/pip install temporalio==1.35.0
    TEMPORAL_ADDRESS=localhost:7233 VIDU_TASK_QUEUE=vidu-flow \\
    VIDU_FLOW_MEDIA_URL=https://example.com/still.png venv/bin/python examples/temporal-sdk-caller.py
    (or: npx tsx dev/python-sdk-main.ts examples/temporal-sdk-caller.py, which makes the venv)

Environment:
  TEMPORAL_ADDRESS      host:port of the Temporal frontend (default localhost:7233)
  TEMPORAL_NAMESPACE    namespace (default `default`)
  VIDU_TASK_QUEUE       the worker's task queue (default `vidu-flow`)
  VIDU_FLOW_MEDIA_URL   an http(s) URL of a PNG or JPEG the worker may download (the generation input)
  VIDU_SIM_URL          optional: the Vidu simulator, to count the requests the refused starts caused
                        (its admin API GET /_sim/stats; against real Vidu leave it unset)
  VIDU_FLOW_RUN_TAG     optional: a suffix making this run's workflow ids unique (default: random)
  VIDU_FLOW_STEP_TIMEOUT seconds one step may take (default 90)
  VIDU_FLOW_API_URL     optional: the HTTP API, for the upload step (with the two below)
  VIDU_FLOW_API_KEY     the API key (Authorization: Bearer …; needs the `start` scope)
  VIDU_FLOW_API_KEY_ID  that key's `id` in the keys file (its owner: staged:key-<id>/…)

What it does, each step recorded in one JSON report printed on stdout (a step that raises is
recorded with its error and the others still run; exit 0 once the report is printed, 2 on bad usage):
  badInput    starts that break a documented rule, each refused with a typed `InvalidRequest`
  hostile     workflow ids and start options a Temporal SDK allows: refused (typed failure, before
              Vidu sees a request) or accepted and archived
  timeouts    workflow execution/run timeouts (refused in the first step: they could end the workflow with a paid task)
  sim         the simulator's request count before and after the refused starts (goal: no change)
  generation  an img2video from an http URL, its result and `status` query
  idempotent  the same start twice while it runs (one execution), and again after it completed
              (WorkflowAlreadyStartedError caught: the first result is read, nothing new is paid)
  cancel      an off-peak img2video cancelled once Vidu holds it; its `status.cancellation`
  adFilm      review mode: `requestEdits` before review and for a storyboard that does not exist
              (typed rejections), then an edit, `approve`, the result
  schedule    a paused Schedule that would start img2video daily (listed by `vidu-flow schedule list`)
  upload      (with VIDU_FLOW_API_URL, VIDU_FLOW_API_KEY, VIDU_FLOW_API_KEY_ID) a generation with an
              uploaded input: the PNG uploaded with POST /v1/uploads (urllib), then img2video started
              through the SDK with the search attribute ViduCaller = the key's id, so the workflow's
              owner is the upload's; the same reference without ViduCaller is refused (not its owner)
"""
import asyncio
import json
import os
import sys
import time
import urllib.request
import uuid
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    ScheduleSpec,
    ScheduleState,
    WorkflowFailureError,
    WorkflowUpdateFailedError,
)
from temporalio.common import (
    RetryPolicy,
    SearchAttributeKey,
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError, CancelledError, FailureError, WorkflowAlreadyStartedError
from temporalio.exceptions import TimeoutError as WorkflowTimeoutError
from temporalio.service import RPCError

ADDRESS = os.environ.get("TEMPORAL_ADDRESS", "localhost:7233")
NAMESPACE = os.environ.get("TEMPORAL_NAMESPACE", "default")
TASK_QUEUE = os.environ.get("VIDU_TASK_QUEUE", "vidu-flow")
MEDIA_URL = os.environ.get("VIDU_FLOW_MEDIA_URL", "")
SIM_URL = os.environ.get("VIDU_SIM_URL", "").rstrip("/")
TAG = os.environ.get("VIDU_FLOW_RUN_TAG") or uuid.uuid4().hex[:8]
STEP_TIMEOUT = float(os.environ.get("VIDU_FLOW_STEP_TIMEOUT", "90"))
API_URL = os.environ.get("VIDU_FLOW_API_URL", "").rstrip("/")
API_KEY = os.environ.get("VIDU_FLOW_API_KEY", "")
API_KEY_ID = os.environ.get("VIDU_FLOW_API_KEY_ID", "")
# The simulator runs fast in the tests; a short poll keeps waits short if callbacks are refused.
FAST = {"poll": {"initialSeconds": 1, "factor": 1.5, "maxSeconds": 2}}


def request(prompt: str, **extra) -> dict:
    """An img2video request in Vidu's own field names (schemas/img2video.input.schema.json)."""
    return {"model": "viduq2", "images": [MEDIA_URL], "prompt": prompt, "duration": 5, **extra}


def failure(err: BaseException) -> dict:
    """The typed failure under a client error: walk the cause chain to the ApplicationError."""
    seen = err
    while seen is not None:
        if isinstance(seen, WorkflowTimeoutError):
            return {"type": "TimeoutError", "timeoutType": seen.type.name if seen.type else None, "message": seen.message}
        if isinstance(seen, ApplicationError):
            return {"type": seen.type, "nonRetryable": seen.non_retryable, "message": seen.message, "details": list(seen.details)}
        if isinstance(seen, CancelledError):
            return {"type": "Cancelled", "message": seen.message}
        seen = seen.cause if isinstance(seen, (FailureError, WorkflowFailureError, WorkflowUpdateFailedError)) else None
    return {"type": type(err).__name__, "message": str(err)}


def sim_requests() -> int | None:
    """Every request the simulator has answered on Vidu's API but the account's credits (None without VIDU_SIM_URL).

    The worker's balance watch reads the credits on a Schedule of its own (every 600 s by default, at
    multiples of 600 s since the epoch), so a step that spans such a moment would count a read that no
    start caused.
    """
    if not SIM_URL:
        return None
    with urllib.request.urlopen(f"{SIM_URL}/_sim/stats", timeout=10) as res:
        by_endpoint = json.load(res)["requestsByEndpoint"]
    return sum(n for endpoint, n in by_endpoint.items() if endpoint != "credits")


def archived(result: dict) -> dict:
    archive = result.get("archive") or {}
    return {"taskId": result.get("taskId"), "files": len(archive.get("files") or []), "manifest": archive.get("manifest")}


async def outcome(client: Client, kind: str, wid: str, arg, **start) -> dict:
    """Start a workflow by type name and read how it ended: completed (archived?) or its typed failure."""
    row = {"id": wid}
    try:
        handle = await client.start_workflow(kind, arg, id=wid, task_queue=TASK_QUEUE, **start)
    except RPCError as err:  # Temporal itself refused the start (e.g. an id over its own length limit)
        return {**row, "outcome": "start-refused", "failure": {"type": "RPCError", "status": err.status.name, "message": err.message}}
    try:
        result = await asyncio.wait_for(handle.result(), STEP_TIMEOUT)
        return {**row, "outcome": "completed", **archived(result)}
    except WorkflowFailureError as err:
        return {**row, "outcome": "failed", "failure": failure(err)}
    except asyncio.TimeoutError:
        return {**row, "outcome": "timeout"}


async def wait_status(handle, ok, what: str, query: str = "status") -> dict:
    """Poll a query until `ok` accepts its answer (a caller's loop; the README suggests it too)."""
    deadline = time.monotonic() + STEP_TIMEOUT
    while True:
        try:
            status = await handle.query(query)
            if ok(status):
                return status
        except Exception:  # noqa: BLE001 - not answered yet (no workflow task has run)
            status = None
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}; last status {status!r}")
        await asyncio.sleep(0.2)


# --- the tables --------------------------------------------------------------------------------

def bad_inputs() -> list[tuple[str, dict]]:
    """Inputs that break a documented rule (schemas/README.md); each must be refused, typed, unpaid."""
    return [
        ("duration out of range", {"request": request("bad", duration=99)}),
        ("unknown model", {"request": request("bad", model="vidu-nope")}),
        ("callback_url is vidu-flow's", {"request": request("bad", callback_url="https://evil.example/cb")}),
        ("client_request_id is vidu-flow's", {"request": request("bad", client_request_id="mine")}),
        ("images missing", {"request": {"model": "viduq2", "prompt": "bad", "duration": 5}}),
        ("unknown waitMode", {"request": request("bad"), "options": {"waitMode": "sometimes"}}),
        ("request not an object", {"request": "make me a video"}),
        ("private address input", {"request": {**request("bad"), "images": ["http://10.0.0.1/still.png"]}}),
        ("data URI that is no image", {"request": {**request("bad"), "images": ["data:image/png;base64,AAAAAAAA"]}}),
        # The published schema has no other top-level field (additionalProperties: false); the
        # workflow's first step refuses one too, rather than ignore it and pay.
        ("unknown input field", {"request": request("bad"), "extra": True}),
    ]


def hostile_ids() -> list[dict]:
    """Workflow ids and start options the SDK allows. `expect`: refused (typed, before Vidu) or archived.

    The rule (README "Security", Ids): a caller-chosen id is 1-200 characters of letters, digits and
    `. _ : = -`, starting with a letter or digit; `~` is reserved for the ids vidu-flow derives for
    its own children (at most 255), so a workflow started without a parent may not carry one.
    """
    pad = lambda prefix, n: (prefix + "x" * n)[:n]  # noqa: E731
    refused = [
        ("space", f"img2video py spaces-{TAG}"),
        ("slash and ..", f"img2video-py/../escape-{TAG}"),
        ("backslash", f"img2video-py\\escape-{TAG}"),
        ("derived-looking ~upscale without a parent", f"img2video-py-{TAG}~upscale"),
        ("leading ~", f"~py-{TAG}"),
        ("..", ".."),
        ("leading dot", f".py-hidden-{TAG}"),
        ("unicode", f"img2video-py-ünïcødé-{TAG}"),
        ("percent-encoded slash", f"py%2F..%2F{TAG}"),
        ("newline", f"py-{TAG}\nsecond-line"),
        ("201 characters", pad(f"py-201-{TAG}-", 201)),
        ("255 characters", pad(f"py-255-{TAG}-", 255)),
        ("300 characters", pad(f"py-300-{TAG}-", 300)),
    ]
    accepted = [
        ("200 characters (the longest a caller may choose)", pad(f"py-200-{TAG}-", 200), {}, {}),
        ("every allowed punctuation . _ : =", f"py.a_b:c=d-{TAG}", {}, {}),
        ("options.upscale on a 200-character id (child <id>~upscale)", pad(f"py-up-{TAG}-", 200), {"upscale": {}}, {}),
        ("start_delay (a deferred start)", f"py-delayed-{TAG}", {}, {"start_delay": timedelta(seconds=1)}),
        ("a workflow retry policy", f"py-retry-{TAG}", {}, {"retry_policy": RetryPolicy(maximum_attempts=3)}),
    ]
    return [{"name": n, "id": i, "expect": "refused", "options": {}, "start": {}} for n, i in refused] + [
        {"name": n, "id": i, "expect": "archived", "options": o, "start": s} for n, i, o, s in accepted
    ]


def timeout_options() -> list[dict]:
    """Start options that end the workflow before it can archive what it paid for.

    An off-peak task waits in Vidu's queue for hours (the simulator: 6 simulated hours); a workflow
    execution or run timeout of seconds ends the workflow while Vidu still holds the task, which
    later runs, is charged, and is archived by no one. Refused in the workflow's first step
    (InvalidRequest naming the timeout), nothing would be paid.
    """
    return [
        {"name": "execution_timeout 5 s on an off-peak start", "id": f"py-exec-timeout-{TAG}", "start": {"execution_timeout": timedelta(seconds=5)}},
        {"name": "run_timeout 5 s on an off-peak start", "id": f"py-run-timeout-{TAG}", "start": {"run_timeout": timedelta(seconds=5)}},
    ]


# --- the steps ---------------------------------------------------------------------------------

async def step_refused(client: Client, report: dict) -> None:
    before = sim_requests()
    bad = bad_inputs()
    rows = await asyncio.gather(*(outcome(client, "img2video", f"py-bad-{i}-{TAG}", arg) for i, (_, arg) in enumerate(bad)))
    report["badInput"] = [{"name": name, **row} for (name, _), row in zip(bad, rows)]
    table = [h for h in hostile_ids() if h["expect"] == "refused"]
    rows = await asyncio.gather(*(outcome(client, "img2video", h["id"], {"request": request(f"hostile: {h['name']}"), "options": FAST}) for h in table))
    report["hostile"] = [{"name": h["name"], "expect": h["expect"], **row} for h, row in zip(table, rows)]
    report["sim"] = {"requestsBeforeRefused": before, "requestsAfterRefused": sim_requests()}


async def step_accepted(client: Client, report: dict) -> None:
    table = [h for h in hostile_ids() if h["expect"] == "archived"]
    rows = await asyncio.gather(
        *(outcome(client, "img2video", h["id"], {"request": request(f"hostile: {h['name']}"), "options": {**FAST, **h["options"]}}, **h["start"]) for h in table)
    )
    report["hostile"] += [{"name": h["name"], "expect": h["expect"], **row} for h, row in zip(table, rows)]
    table = timeout_options()
    rows = await asyncio.gather(*(outcome(client, "img2video", t["id"], {"request": request(f"hostile: {t['name']}", off_peak=True), "options": FAST}, **t["start"]) for t in table))
    report["timeouts"] = [{"name": t["name"], **row} for t, row in zip(table, rows)]


# The documented recipe (README "Use from any language"): a start that finds the first one.
IDEMPOTENT = {"id_reuse_policy": WorkflowIDReusePolicy.REJECT_DUPLICATE, "id_conflict_policy": WorkflowIDConflictPolicy.USE_EXISTING}


async def start_or_find(client: Client, kind: str, arg, wid: str):
    """Start `kind` under `wid`, or find the workflow that already has it (running or closed)."""
    try:
        return await client.start_workflow(kind, arg, id=wid, task_queue=TASK_QUEUE, **IDEMPOTENT), "started-or-running"
    except WorkflowAlreadyStartedError:
        # REJECT_DUPLICATE: it already ran to completion; read that run instead of paying again.
        return client.get_workflow_handle(wid), "already-started-caught"


async def step_generation(client: Client, report: dict) -> None:
    wid = f"img2video-py-order-{TAG}"
    arg = {"request": request("The camera pushes in slowly"), "options": FAST}
    first, how1 = await start_or_find(client, "img2video", arg, wid)
    # The same start again while it runs (a retry after a timeout): USE_EXISTING answers the same run.
    second, how2 = await start_or_find(client, "img2video", arg, wid)
    result = await asyncio.wait_for(first.result(), STEP_TIMEOUT)
    status = await first.query("status")
    report["generation"] = {"id": wid, "runId": first.result_run_id, "result": archived(result), "creations": len(result.get("creations") or []),
                            "state": result.get("state"), "credits": result.get("credits"), "status": {k: status.get(k) for k in ("phase", "state", "taskId", "credits")}}
    # And after it completed: WorkflowAlreadyStartedError, caught; the first run's result is read.
    third, how3 = await start_or_find(client, "img2video", arg, wid)
    again = await third.result()
    report["idempotent"] = {"id": wid, "whileRunning": {"how": how2, "sameRun": second.result_run_id == first.result_run_id},
                            "afterCompletion": {"how": how3, "sameTask": again.get("taskId") == result.get("taskId")}, "first": how1}


async def step_cancel(client: Client, report: dict) -> None:
    wid = f"img2video-py-cancel-{TAG}"
    handle = await client.start_workflow("img2video", {"request": request("to be cancelled", off_peak=True), "options": FAST}, id=wid, task_queue=TASK_QUEUE)
    # Off-peak: Vidu holds the task in its queue, where a cancel is allowed. Cancel once Vidu has it.
    held = await wait_status(handle, lambda s: bool(s.get("taskId")) or s.get("phase") in ("done", "failed"), "a Vidu task id")
    await handle.cancel()
    row = {"id": wid, "stateWhenCancelled": held.get("state")}
    try:
        result = await asyncio.wait_for(handle.result(), STEP_TIMEOUT)
        row |= {"outcome": "completed", "cancellation": result.get("cancellation")}
    except WorkflowFailureError as err:
        row |= {"outcome": "failed", "failure": failure(err)}
    status = await handle.query("status")
    row["status"] = {k: status.get(k) for k in ("phase", "state", "taskId", "credits", "cancellation")}
    report["cancel"] = row


async def rejection(handle, edits) -> dict:
    try:
        accepted = await handle.execute_update("requestEdits", edits)
        return {"rejected": False, "answer": accepted}
    except WorkflowUpdateFailedError as err:
        return {"rejected": True, "failure": failure(err)}


async def step_ad_film(client: Client, report: dict) -> None:
    wid = f"adFilm-py-{TAG}"
    film = {"request": {"images": [MEDIA_URL], "prompt": "A bottle of cold brew on a desk", "duration": 15, "language": "en"},
            "options": {"review": True, **FAST}}
    handle = await client.start_workflow("adFilm", film, id=wid, task_queue=TASK_QUEUE)
    row = {"id": wid}
    # At once: the film is not generated yet, so there is nothing to edit.
    row["beforeReview"] = await rejection(handle, [{"type": "bgm", "prompt": "warm acoustic guitar"}])
    await wait_status(handle, lambda s: s.get("phase") in ("reviewing", "failed", "cancelled"), "phase reviewing")
    storyboards = await handle.query("storyboards")
    row["storyboards"] = len(storyboards)
    row["unknownStoryboard"] = await rejection(handle, [{"type": "video", "storyboard": 99, "prompt": "close-up"}])
    row["edit"] = await rejection(handle, [{"type": "video", "storyboard": 0, "prompt": "Close-up of the bottle, condensation"}])
    await handle.signal("approve")
    try:
        result = await asyncio.wait_for(handle.result(), STEP_TIMEOUT)
        row |= {"outcome": "completed", "edits": [e.get("state") for e in result.get("edits") or []], **archived(result)}
    except WorkflowFailureError as err:
        row |= {"outcome": "failed", "failure": failure(err)}
    report["adFilm"] = row


async def step_schedule(client: Client, report: dict) -> None:
    sid = f"py-nightly-{TAG}"
    # No memo, no search attributes: only what Temporal's own API takes. Paused: it must not spend.
    await client.create_schedule(
        sid,
        Schedule(
            action=ScheduleActionStartWorkflow("img2video", {"request": request("nightly still", off_peak=True)}, id=sid, task_queue=TASK_QUEUE),
            spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(days=1))]),
            state=ScheduleState(paused=True, note="made from Python"),
        ),
    )
    described = await client.get_schedule_handle(sid).describe()
    report["schedule"] = {"id": sid, "paused": described.schedule.state.paused, "workflowType": described.schedule.action.workflow}


def upload(data: bytes, content_type: str) -> dict:
    """POST /v1/uploads: the raw bytes; answers {ref, bytes, sha256, contentType, expiresAt} (README.md, "Use from any language")."""
    req = urllib.request.Request(f"{API_URL}/v1/uploads?kind=img2video&field=images", data=data, method="POST",
                                 headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": content_type})
    with urllib.request.urlopen(req, timeout=60) as res:
        return json.load(res)


async def step_upload(client: Client, report: dict) -> None:
    # The input's bytes (here: the same PNG the other steps pass by URL), uploaded as the key's own.
    with urllib.request.urlopen(MEDIA_URL, timeout=30) as res:
        png = res.read()
    uploaded = await asyncio.to_thread(upload, png, "image/png")
    ref = uploaded["ref"]
    # The workflow's owner is its ViduCaller: the key's id makes it the upload's owner.
    caller = TypedSearchAttributes([SearchAttributePair(SearchAttributeKey.for_keyword("ViduCaller"), API_KEY_ID)])
    arg = {"request": {**request("The uploaded still comes alive"), "images": [ref]}, "options": FAST}
    owned = await outcome(client, "img2video", f"img2video-py-upload-{TAG}", arg, search_attributes=caller)
    # Without ViduCaller the workflow is the operator's, and the key's upload is not found there.
    unowned = await outcome(client, "img2video", f"img2video-py-upload-unowned-{TAG}", arg)
    report["upload"] = {"ref": ref, "bytes": uploaded["bytes"], "sha256": uploaded["sha256"], "expiresAt": uploaded["expiresAt"],
                        "owned": owned, "unowned": unowned}


async def run_step(report: dict, name: str, step) -> None:
    started = time.monotonic()
    try:
        await step
    except Exception as err:  # noqa: BLE001 - recorded: the test names the failed step
        report["errors"][name] = f"{type(err).__name__}: {err}"
        print(f"[python-sdk-caller] step {name} raised: {err!r}", file=sys.stderr)
    report["tookMs"][name] = round((time.monotonic() - started) * 1000)


async def main() -> int:
    if not MEDIA_URL:
        print("VIDU_FLOW_MEDIA_URL is required: an http(s) URL of an image the worker can download", file=sys.stderr)
        return 2
    client = await Client.connect(ADDRESS, namespace=NAMESPACE)
    report = {"tag": TAG, "taskQueue": TASK_QUEUE, "temporalio": __import__("importlib.metadata").metadata.version("temporalio"),
              "errors": {}, "tookMs": {}, "badInput": [], "hostile": [], "timeouts": []}
    # The refused starts first and alone, so the simulator's count before and after is theirs only.
    await run_step(report, "refused", step_refused(client, report))
    await asyncio.gather(
        run_step(report, "accepted", step_accepted(client, report)),
        run_step(report, "generation", step_generation(client, report)),
        run_step(report, "cancel", step_cancel(client, report)),
        run_step(report, "adFilm", step_ad_film(client, report)),
        run_step(report, "schedule", step_schedule(client, report)),
        *([run_step(report, "upload", step_upload(client, report))] if API_URL and API_KEY and API_KEY_ID else []),
    )
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    code = asyncio.run(main())
    sys.stdout.flush()
    sys.stderr.flush()
    # Exit without interpreter finalization: once, after the report was printed, a thread of the
    # SDK's native core called into Python while it finalized and the process aborted
    # ("Fatal Python error: PyGILState_Release ... Python runtime state: finalizing"). Everything
    # this program has to say is written by now; nothing is left to clean up.
    os._exit(code)
