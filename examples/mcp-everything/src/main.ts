#!/usr/bin/env node
// The everything server: `--stdio` for one connection over stdio, else HTTP on --port (default 3001).
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { createEverythingServer } from './everything.ts';
import { serveEverything } from './serve-http.ts';

const args = process.argv.slice(2);
if (args.includes('--stdio')) {
  serveStdio(() => createEverythingServer());
} else {
  const at = args.indexOf('--port');
  const served = await serveEverything(at >= 0 ? Number(args[at + 1]) : 3001);
  process.stdout.write(`everything MCP server at ${served.url}\n`);
}
