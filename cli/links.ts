// `vidu-flow status <id> --links [--expires <seconds>]`: presigned download links instead of the status.
import { MAX_LINK_SECONDS } from '../client/index';
import { type CliIO, err, EXIT, type GlobalFlags, json, out, type OutputFlags, withClient } from './io';

export interface LinkFlags extends GlobalFlags, OutputFlags {
  expires?: string;
}

export async function linksAction(io: CliIO, workflowId: string, flags: LinkFlags): Promise<number> {
  const seconds = flags.expires === undefined ? undefined : Number(flags.expires);
  if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_LINK_SECONDS)) {
    err(
      io,
      `vidu-flow: --expires: must be a whole number of seconds from 1 to ${MAX_LINK_SECONDS} (7 days), got ${JSON.stringify(flags.expires)}`,
    );
    return EXIT.usage;
  }
  return withClient(io, flags, async (client) => {
    let links;
    try {
      links = await client.presignedLinks(workflowId, seconds === undefined ? {} : { expiresInSeconds: seconds });
    } catch (e) {
      err(io, `vidu-flow: ${e instanceof Error ? e.message : String(e)}`);
      return EXIT.failed;
    }
    if (flags.json) json(io, { workflowId, links });
    else if (links.length === 0)
      out(io, `${workflowId}: no s3:// files archived (the worker's ARCHIVE_URL is not s3://…), so no links`);
    else {
      out(io, `${workflowId}: ${links.length} download link(s), valid until ${links[0]!.expiresAt}`);
      for (const l of links)
        out(
          io,
          `${l.name}${l.bytes !== undefined ? `  ${l.bytes} bytes` : ''}${l.sha256 ? `  sha256 ${l.sha256}` : ''}\n  ${l.url}`,
        );
    }
    return EXIT.ok;
  });
}
