import { Command, CommanderError, Option } from 'commander';
import { GENERATION_KINDS } from '../contract/generation-input';
import { ENDPOINTS } from '../vidu/endpoints';
import type { GenerationKind } from '../client/index';
import { cancelAction, type CliIO, EXIT, generateAction, listAction, statusAction, watchAction } from './actions';
import { adFilmAction, approveAction, editAction, storyboardsAction } from './ad-film-actions';
import { EDIT_SPEC_HELP } from './ad-film-args';
import { aliasesOf, ALL_REQUEST_FLAGS, collect, flagsFor, requestFlagsFor } from './args';
import { registerBatchCommand } from './batch';
import { registerBudgetCommands } from './budget';
import { registerDeployCommands } from './deploy';
import { estimateAdFilmAction, estimateBatchAction, estimateKindAction, estimateMusicVideoAction } from './estimate';
import { type LinkFlags, linksAction } from './links';
import { addNotBeforeOption } from './not-before';
import { registerScheduleCommands } from './schedule';
import { registerSubjectCommands } from './subjects';
import { musicVideoAction } from './music-video';

// The `vidu-flow` command line: commander declarations only. The flags → input mapping is in
// args.ts, what each command does in actions.ts, how things are printed in output.ts.

/** Orchestration options shared by every command that starts a workflow. */
function addCommonStartOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--wait-mode <mode>', 'how the workflow learns the task ended').choices(['auto', 'callback', 'poll']),
    )
    .option('--no-archive', 'do not archive the results')
    .option('--timeout <seconds>', 'give up (and cancel at Vidu) after this long')
    .option('--poll-initial <seconds>', 'delay before the second poll')
    .option('--idempotency-key <key>', 'same key, same workflow: at most one Vidu task')
    .option('--workflow-id <id>', 'explicit workflow id (wins over --idempotency-key)')
    .option('--wait', 'show progress, then print the result')
    .option('--json', 'print JSON on stdout (the workflow id, or with --wait the result or failure)')
    .option('--dry-run', 'print the input that would be started, without connecting to Temporal');
}

function addAdFilmOptions(cmd: Command): Command {
  cmd
    .option(
      '--image <ref>',
      'product image, repeatable (1–7): URL, data URI, or local path (made absolute; the worker reads it)',
      collect,
    )
    .option('--prompt <text>', 'what the film should show')
    .option('--duration <seconds>', 'film length, 10–60 (default 15)')
    .addOption(new Option('--aspect-ratio <ratio>', 'default 16:9').choices(['16:9', '9:16', '1:1']))
    .addOption(new Option('--language <lang>', 'narration language (default zh)').choices(['zh', 'en']))
    .option(
      '--edit <spec>',
      `an edit to apply once the film is generated, repeatable: ${EDIT_SPEC_HELP} (the text may contain colons)`,
      collect,
    );
  addFilmReviewOptions(cmd);
  addNotBeforeOption(cmd);
  return addCommonStartOptions(cmd);
}

/** The request and review flags of `music-video` (and of `estimate music-video`). */
function addMusicVideoOptions(cmd: Command): Command {
  cmd
    .option('--image <ref>', 'image, repeatable (1–7): URL, data URI, or local path', collect)
    .option('--audio <ref>', 'the song (mp3, wav, m4a; 10–180 s): URL, data URI, or local path')
    .option('--lip-sync', 'lip-sync the singer to the song (+4 credits a second)')
    .option('--prompt <text>', 'what the video should show (≤ 3000 characters)')
    .addOption(new Option('--aspect-ratio <ratio>', 'default 16:9').choices(['16:9', '9:16', '1:1', '4:3', '3:4']))
    .addOption(new Option('--resolution <res>', 'values assumed (undocumented)').choices(['540p', '720p', '1080p']))
    .option('--edit <spec>', 'a footage edit once the video is generated, repeatable: video:<index>:<prompt>', collect);
  return addFilmReviewOptions(cmd);
}

/** The review and edit-retry flags of both films, read by filmReviewOptions (cli/ad-film-args.ts). */
function addFilmReviewOptions(cmd: Command): Command {
  return cmd
    .option('--review', 'wait for `vidu-flow edit` / `vidu-flow approve` before composing')
    .option('--review-timeout <seconds>', 'with --review: how long to wait for approval (default 24 h)')
    .addOption(
      new Option(
        '--on-review-timeout <action>',
        'with --review: at the review timeout, fail (default) or compose',
      ).choices(['fail', 'compose']),
    )
    .option('--edit-attempts <n>', 'submissions per edit before it counts as failed (default 3)');
}

function addGenerateOptions(cmd: Command, kind: GenerationKind): Command {
  // Every request flag is declared for every kind; those a kind does not take are hidden, so that
  // args.ts can say "--duration does not apply to reference2image" along with every other issue.
  const offered = new Set(requestFlagsFor(kind).map((spec) => spec.flag));
  const aliases = aliasesOf(kind);
  for (const spec of flagsFor(kind)) {
    const hidden = !offered.has(spec.flag);
    const add = (option: Option) => cmd.addOption(hidden ? option.hideHelp() : option);
    if (spec.value === 'bool') {
      add(new Option(`--${spec.flag}`, spec.help));
      cmd.addOption(new Option(`--no-${spec.flag}`).hideHelp());
    } else if (spec.value === 'media-list' || Object.hasOwn(aliases, spec.key)) {
      const own = ALL_REQUEST_FLAGS.find((f) => f.field === aliases[spec.key]);
      const help = own && Object.hasOwn(aliases, spec.key) ? `same as --${own.flag}` : spec.help;
      add(new Option(`--${spec.flag} ${spec.placeholder ?? '<value>'}`, help).argParser(collect));
    } else {
      add(new Option(`--${spec.flag} ${spec.placeholder ?? '<value>'}`, spec.help));
    }
  }
  cmd.option(
    '--request <json|@file>',
    'the Vidu request body as JSON or @file.json (or a whole { request, options } input); flags override its fields',
  );
  addNotBeforeOption(cmd);
  return addCommonStartOptions(cmd);
}

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('vidu-flow')
    .description('Start and follow Vidu generations and AD films running as Temporal workflows.')
    .option(
      '--address <host:port>',
      'Temporal frontend address (env TEMPORAL_ADDRESS or the TEMPORAL_PROFILE in temporal.toml, default localhost:7233; TLS, mTLS, API key: TEMPORAL_TLS_*, TEMPORAL_API_KEY)',
    )
    .option('--namespace <name>', 'Temporal namespace (env TEMPORAL_NAMESPACE or the profile, default default)')
    .option('--task-queue <name>', 'task queue of the vidu-flow worker (env VIDU_TASK_QUEUE, default vidu-flow)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 the generation or operation failed, 2 bad input or usage (nothing was started).',
    );

  for (const kind of GENERATION_KINDS) {
    const cmd = program.command(kind).description(ENDPOINTS[kind].summary);
    addGenerateOptions(cmd, kind).action(async (_opts, c: Command) =>
      setExit(await generateAction(io, kind, c.optsWithGlobals())),
    );
  }

  addAdFilmOptions(
    program
      .command('ad-film')
      .description(
        'start an AD film (ad-one-click): 1–7 product images → storyboards, narration and BGM, optional edits, composed film',
      )
      .addHelpText(
        'after',
        '\nExamples:\n' +
          '  vidu-flow ad-film --image bottle.png --prompt "cold brew on a desk" --duration 15 --language en \\\n' +
          '    --edit "video:0:close-up, condensation" --edit "bgm:warm acoustic guitar" --wait\n' +
          '  vidu-flow ad-film --image bottle.png --review --wait     # then: vidu-flow edit <id> --edit …, vidu-flow approve <id>',
      ),
  ).action(async (_opts, c: Command) => setExit(await adFilmAction(io, c.optsWithGlobals())));

  const musicVideo = addMusicVideoOptions(
    program
      .command('music-video')
      .description(
        'start a one-click music video (one-click/mv): 1–7 images and a 10–180 s song → storyboards, optional footage edits, composed video',
      ),
  ).addHelpText(
    'after',
    '\nExample:\n  vidu-flow music-video --image singer.png --audio song.mp3 --lip-sync --aspect-ratio 9:16 --review --wait',
  );
  addNotBeforeOption(musicVideo);
  addCommonStartOptions(musicVideo).action(async (_opts, c: Command) =>
    setExit(await musicVideoAction(io, c.optsWithGlobals())),
  );

  // `estimate`: the same flags as the start commands; nothing is started (cli/estimate.ts).
  const estimate = program
    .command('estimate')
    .description(
      'the price in credits before submitting: a generation, an AD film or a batch file (docs/vidu-pricing.md; VIDU_FLOW_PRICES_FILE applies)',
    );
  for (const kind of GENERATION_KINDS) {
    const cmd = estimate.command(kind).description(`estimate: ${ENDPOINTS[kind].summary}`);
    addGenerateOptions(cmd, kind).action(async (_opts, c: Command) =>
      setExit(await estimateKindAction(io, kind, c.optsWithGlobals())),
    );
  }
  addAdFilmOptions(estimate.command('ad-film').description('estimate an AD film: create, each --edit, compose')).action(
    (_opts, c: Command) => setExit(estimateAdFilmAction(io, c.optsWithGlobals())),
  );
  addMusicVideoOptions(
    estimate
      .command('music-video')
      .description('estimate a music video: create (lip sync on the local song’s length), each --edit, compose'),
  )
    .option('--json', 'print the total and its lines as JSON')
    .action(async (_opts, c: Command) => setExit(await estimateMusicVideoAction(io, c.optsWithGlobals())));
  estimate
    .command('batch')
    .description('estimate a batch file: the total, by model, and the lines that could not be priced')
    .argument('<file.jsonl>', 'the batch file, as `vidu-flow batch` reads it')
    .option('--json', 'print the total, by model, every line and the unpriced ones as JSON')
    .action((file: string, _opts, c: Command) => setExit(estimateBatchAction(io, file, c.optsWithGlobals())));

  program
    .command('edit')
    .description('review mode: request edits of an AD film (the requestEdits update; the workflow checks them first)')
    .argument('<workflowId>')
    .option('--edit <spec>', `repeatable: ${EDIT_SPEC_HELP}`, collect)
    .option('--json', 'print JSON')
    .action(async (id: string, _opts, c: Command) => setExit(await editAction(io, id, c.optsWithGlobals())));

  program
    .command('approve')
    .description('review mode: approve an AD film (the approve signal); it composes once running edits finish')
    .argument('<workflowId>')
    .option('--json', 'print JSON')
    .action(async (id: string, _opts, c: Command) => setExit(await approveAction(io, id, c.optsWithGlobals())));

  program
    .command('storyboards')
    .description("print an AD film's storyboards (the storyboards query): prompt, state, edits, media")
    .argument('<workflowId>')
    .option('--json', 'print JSON')
    .action(async (id: string, _opts, c: Command) => setExit(await storyboardsAction(io, id, c.optsWithGlobals())));

  program
    .command('status')
    .description("print a generation's or AD film's status query and its Temporal execution status")
    .argument('<workflowId>')
    .option('--json', 'print JSON')
    .option('--links', 'print presigned download links to its archived s3:// files instead (needs AWS credentials)')
    .option('--expires <seconds>', 'with --links: how long the links stay valid (default 3600, at most 604800)')
    .action(async (id: string, _opts, c: Command) => {
      const flags = c.optsWithGlobals<LinkFlags & { links?: boolean }>();
      setExit(flags.links ? await linksAction(io, id, flags) : await statusAction(io, id, flags));
    });

  program
    .command('watch')
    .description('show progress until the generation or AD film ends, then print its result')
    .argument('<workflowId>')
    .option('--json', 'print the result (or failure) as JSON')
    .action(async (id: string, _opts, c: Command) => setExit(await watchAction(io, id, c.optsWithGlobals())));

  program
    .command('cancel')
    .description('cancel a generation or AD film (and its Vidu tasks when Vidu allows it), then print the outcome')
    .argument('<workflowId>')
    .option('--timeout <seconds>', 'how long to wait for the outcome', '300')
    .option('--json', 'print JSON')
    .action(async (id: string, _opts, c: Command) => setExit(await cancelAction(io, id, c.optsWithGlobals())));

  program
    .command('list')
    .description('list recent generations, newest first')
    .addOption(new Option('--kind <kind>', 'only this workflow type').choices([...GENERATION_KINDS]))
    .option('--limit <n>', 'at most this many', '20')
    .option('--json', 'print JSON')
    .action(async (_opts, c: Command) => setExit(await listAction(io, c.optsWithGlobals())));

  registerScheduleCommands(program, io, setExit);
  registerBatchCommand(program, io, setExit);
  registerDeployCommands(program, io, setExit);
  registerBudgetCommands(program, io, setExit);
  registerSubjectCommands(program, io, setExit);
  return program;
}

/** Runs the CLI on `argv` (user arguments only, without node and script) and returns the exit code. */
export async function runCli(args: string[], io: CliIO): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    io.stderr.write(`vidu-flow: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.failed;
  }
  return code;
}
