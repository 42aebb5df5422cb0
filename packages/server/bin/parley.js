#!/usr/bin/env node
// The `parley` command. Parley's sources are TypeScript run by Node's own type
// stripping, which needs Node >= 22.12 (24 LTS recommended).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `parley needs Node.js >= 22.12 (found ${process.versions.node}). Run \`source scripts/setup-node.sh\` or install Node 24.\n`,
  );
  process.exit(1);
}
const { main } = await import('../src/cli/main.ts');
await main(process.argv.slice(2));
