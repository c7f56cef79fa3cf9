import type {
  AdFilmEdit,
  AdFilmResult,
  AdFilmStatus,
  ArchiveResult,
  EditOutcome,
  FailureReport,
  GenerationResult,
  GenerationStatus,
  StoryboardView,
} from '../client/index';

// What the CLI prints. Pure functions from data to text, so their wording is tested without Temporal.

/** The failure for humans: type and message, Vidu's err_code, the issues of an InvalidRequest, other details. */
export function formatFailure(workflowId: string | undefined, f: FailureReport, status?: GenerationStatus): string {
  const lines = [`✗ ${workflowId ? `${workflowId}: ` : ''}${f.type}: ${f.message}`];
  if (f.errCode) lines.push(`  err_code: ${f.errCode}`);
  for (const d of f.details) {
    if (typeof d !== 'object' || d === null) {
      lines.push(`  detail: ${JSON.stringify(d)}`);
      continue;
    }
    for (const [key, value] of Object.entries(d as Record<string, unknown>)) {
      if (key === 'errCode' || key === 'err_code') continue;
      if (key === 'issues' && Array.isArray(value)) {
        // InvalidRequest messages usually list their issues already.
        if (value.every((issue) => f.message.includes(String(issue)))) continue;
        lines.push('  issues:');
        for (const issue of value) lines.push(`    - ${String(issue)}`);
      } else {
        lines.push(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
      }
    }
  }
  if (status?.cancellation && !f.details.some((d) => typeof d === 'object' && d !== null && 'cancellation' in d)) {
    lines.push(`  cancellation: ${status.cancellation.outcome} — ${status.cancellation.message}`);
  }
  for (const c of f.chain) lines.push(`  via: ${c}`);
  return lines.join('\n');
}

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(1)} ${units[i]}`;
}

export function formatResult(r: GenerationResult): string {
  const estimate = r.estimatedCredits !== undefined ? ` (estimated ${r.estimatedCredits})` : '';
  const lines = [`✓ ${r.workflowId}: ${r.kind} ${r.state} · Vidu task ${r.taskId} · ${r.credits} credits${estimate}`];
  if (r.creations.length > 0) {
    lines.push('creations:');
    for (const c of r.creations)
      lines.push(`  ${c.id}  ${c.url}${c.coverUrl ? `\n  ${' '.repeat(c.id.length)}  cover ${c.coverUrl}` : ''}`);
  }
  lines.push(...formatArchive(r.archive));
  if (r.cancellation) lines.push(`cancellation: ${r.cancellation.outcome} — ${r.cancellation.message}`);
  return lines.join('\n');
}

function formatArchive(archive: ArchiveResult | undefined): string[] {
  if (!archive) return ['archive: off (result URLs expire; download them soon)'];
  const lines = [`archive: ${archive.root}`, `  manifest ${archive.manifest}`];
  for (const f of archive.files)
    lines.push(
      `  ${f.role.padEnd(5)}  ${f.name}  ${humanBytes(f.bytes)}  sha256 ${f.sha256.slice(0, 16)}…  ${f.location}`,
    );
  for (const m of archive.missing ?? []) lines.push(`  missing ${m.role} of creation ${m.creationId}: ${m.reason}`);
  return lines;
}

/** `<root> · 3 file(s)`, plus the optional extras that could not be archived. */
function archiveSummary(archive: ArchiveResult): string {
  const missing = archive.missing ?? [];
  return `${archive.root} · ${archive.files.length} file(s)${missing.length > 0 ? ` · ${missing.length} optional extra(s) missing: ${missing.map((m) => `${m.role} of ${m.creationId} (${m.reason})`).join('; ')}` : ''}`;
}

/** One line for progress output: phase, Vidu state, progress, task. */
export function statusLine(s: GenerationStatus): string {
  const task = s.taskId ? ` · task ${s.taskId}` : '';
  const credits = s.credits !== undefined && s.taskId ? ` · ${s.credits} credits` : '';
  return `${s.phase} · ${s.state} ${s.progress}%${task}${credits}`;
}

export interface DescribedExecution {
  workflowId: string;
  type: string;
  status: string;
  startTime: Date;
  closeTime?: Date | undefined;
  historyLength?: number | undefined;
}

/** The first rows of every status table: which workflow, its type, and how its execution stands. */
function executionRows(exec: DescribedExecution): [string, string][] {
  return [
    ['workflow', exec.workflowId],
    ['type', exec.type],
    [
      'execution',
      `${exec.status} · started ${exec.startTime.toISOString()}${exec.closeTime ? ` · closed ${exec.closeTime.toISOString()}` : ''}`,
    ],
  ];
}

export function formatStatus(
  exec: DescribedExecution,
  status: GenerationStatus | undefined,
  statusError?: string,
): string {
  const rows = executionRows(exec);
  if (status) {
    rows.push(['phase', status.phase]);
    rows.push(['vidu state', `${status.state} · ${status.progress}%`]);
    if (status.taskId) rows.push(['vidu task', `${status.taskId} · ${status.credits ?? 0} credits`]);
    if (status.estimatedCredits !== undefined)
      rows.push(['estimate', `${status.estimatedCredits} credits before submission`]);
    else if (status.estimateUnpriced !== undefined) rows.push(['estimate', `none: ${status.estimateUnpriced}`]);
    if (status.waitMode) rows.push(['wait mode', `${status.waitMode} · ${status.updates} callback update(s)`]);
    if (status.errCode) rows.push(['err_code', status.errCode]);
    if (status.error) rows.push(['error', status.error]);
    if (status.archive) rows.push(['archive', archiveSummary(status.archive)]);
    if (status.cancellation)
      rows.push(['cancellation', `${status.cancellation.outcome} — ${status.cancellation.message}`]);
  } else if (statusError) {
    rows.push(['status query', `unavailable (${statusError})`]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/** A plain left-aligned table; the last column is not padded. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------
// AD films (workflow type adFilm).

/** What an edit changes: `storyboard 2`, `narration` or `BGM`. */
export function editTarget(edit: AdFilmEdit): string {
  return edit.type === 'video' ? `storyboard ${edit.storyboard}` : edit.type === 'narration' ? 'narration' : 'BGM';
}

function editText(edit: AdFilmEdit): string {
  return edit.type === 'narration' ? edit.text : edit.prompt;
}

function clip(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

function formatEditOutcome(o: EditOutcome): string {
  const mark = o.state === 'success' ? '✓' : '✗';
  const tasks = o.subTaskIds.length > 0 ? ` → sub-task ${o.subTaskIds.join(', ')}` : '';
  const why = o.state === 'failed' ? ` · ${o.message ?? 'failed'}${o.errCode ? ` (err_code ${o.errCode})` : ''}` : '';
  return `  ${mark} ${editTarget(o.edit)}: “${clip(editText(o.edit), 60)}”${tasks}${why}`;
}

/** The AD film's result, or the music video's: the same without a BGM and a narration sub-task. */
export type FilmResultView = Omit<AdFilmResult, 'bgmTaskId' | 'narrationTaskId'> &
  Partial<Pick<AdFilmResult, 'bgmTaskId' | 'narrationTaskId'>>;

export function formatAdFilmResult(r: FilmResultView): string {
  const what = r.bgmTaskId === undefined ? 'music video' : 'AD film';
  const lines = [
    `✓ ${r.workflowId}: ${what} composed · Vidu task ${r.taskId} · compose task ${r.composeTaskId} · ${r.credits} credits`,
  ];
  lines.push(
    r.bgmTaskId === undefined
      ? `composed from: storyboards ${r.videoTaskIds.join(', ')} over the audio`
      : `composed from: storyboards ${r.videoTaskIds.join(', ')} · narration ${r.narrationTaskId} · BGM ${r.bgmTaskId}`,
  );
  if (r.edits.length > 0) {
    lines.push(`edits (${r.edits.length}):`);
    for (const o of r.edits) lines.push(formatEditOutcome(o));
  } else {
    lines.push('edits: none');
  }
  const film = r.film.filter((c) => c.url);
  if (film.length > 0) {
    lines.push('film:');
    for (const c of film) lines.push(`  ${c.id}  ${c.url}`);
  }
  lines.push(...formatArchive(r.archive));
  return lines.join('\n');
}

/** One line for AD-film progress: phase, the film's (or the composition's) state, edits, credits. */
export function adFilmStatusLine(s: AdFilmStatus): string {
  return `${s.phase} · ${adFilmDetail(s)}`;
}

/** adFilmStatusLine without the phase (and, for the progress bar, without the percentage). */
export function adFilmDetail(s: AdFilmStatus, withPercent = true): string {
  const parts = [`${s.composeTaskId ? 'composition' : 'film'} ${s.state}${withPercent ? ` ${s.progress}%` : ''}`];
  const task = s.composeTaskId ?? s.taskId;
  if (task) parts.push(`task ${task}`);
  const failed = s.edits.filter((e) => e.state === 'failed').length;
  if (s.editsRunning > 0 || s.edits.length > 0)
    parts.push(`edits ${s.editsRunning} running, ${s.edits.length} done${failed ? ` (${failed} failed)` : ''}`);
  if (s.credits > 0) parts.push(`${s.credits} credits`);
  return parts.join(' · ');
}

export function formatAdFilmStatus(
  exec: DescribedExecution,
  status: AdFilmStatus | undefined,
  statusError?: string,
): string {
  const rows = executionRows(exec);
  if (status) {
    rows.push(['phase', status.phase]);
    rows.push([status.composeTaskId ? 'composition' : 'film', `${status.state} · ${status.progress}%`]);
    if (status.taskId) rows.push(['vidu task', status.taskId]);
    if (status.composeTaskId) rows.push(['compose task', status.composeTaskId]);
    rows.push(['credits', String(status.credits)]);
    const failed = status.edits.filter((e) => e.state === 'failed').length;
    rows.push([
      'edits',
      `${status.editsRunning} running · ${status.edits.length} done${failed ? ` (${failed} failed)` : ''}`,
    ]);
    if (status.phase === 'reviewing' || status.approved)
      rows.push([
        'review',
        status.approved
          ? 'approved'
          : `waiting: vidu-flow edit ${exec.workflowId} --edit … | vidu-flow approve ${exec.workflowId}`,
      ]);
    if (status.archive) rows.push(['archive', archiveSummary(status.archive)]);
    if (status.error) rows.push(['error', status.error]);
  } else if (statusError) {
    rows.push(['status query', `unavailable (${statusError})`]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  if (status && status.edits.length > 0) lines.push('edit outcomes:', ...status.edits.map(formatEditOutcome));
  return lines.join('\n');
}

/** The storyboards query as a table (the media URL last, unpadded). */
export function formatStoryboards(storyboards: StoryboardView[]): string {
  return formatTable(
    ['#', 'STATE', 'EDITS', 'SUB-TASK', 'PROMPT', 'MEDIA'],
    storyboards.map((s) => [
      String(s.index),
      s.state,
      s.edits === 0 ? '-' : `${s.edits}${s.lastEdit ? ` (${s.lastEdit})` : ''}`,
      s.subTaskId || '-',
      clip(s.prompt || '-', 48),
      s.mediaUrl || '-',
    ]),
  );
}

/** Printed by `ad-film --review --wait` and `watch` whenever the film (again) awaits review. */
export function formatReviewNotice(
  workflowId: string,
  storyboards: StoryboardView[] | undefined,
  round: number,
): string {
  const lines = [
    `⏸ ${workflowId} awaits review${round > 1 ? ` (round ${round})` : ''}${storyboards ? `: ${storyboards.length} storyboard(s)` : ''}`,
  ];
  if (storyboards)
    lines.push(
      ...formatStoryboards(storyboards)
        .split('\n')
        .map((l) => `  ${l}`),
    );
  lines.push(
    `  request edits:  vidu-flow edit ${workflowId} --edit video:<index>:<prompt> [--edit narration:<text>] [--edit bgm:<prompt>]`,
    `  approve:        vidu-flow approve ${workflowId}`,
    '  still waiting for the result (Ctrl-C stops watching; the film keeps waiting for review)',
  );
  return lines.join('\n');
}
