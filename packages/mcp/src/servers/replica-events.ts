import { z } from 'zod';

/** A server was added or removed at run time; every replica reconciles with the store. */
export const SERVERS_CHANGED = 'mcp.servers.changed';

/** A quarantined tool definition was accepted; every replica allows its digest. */
export const TOOL_ACCEPTED = 'mcp.tool.accepted';

const toolAcceptedSchema = z.object({ server: z.string(), tool: z.string(), digest: z.string() });

/** The payload of `TOOL_ACCEPTED`, if it is one. */
export function toolAccepted(payload: unknown): z.infer<typeof toolAcceptedSchema> | undefined {
  const parsed = toolAcceptedSchema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}
