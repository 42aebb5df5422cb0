import { readFile } from 'node:fs/promises';
import { ValidationError } from '@parley/core';
import type { Explanation, PolicySource } from '@parley/policy';
import type { Command } from 'commander';
import { ApiClient, type ApiFlags, withApiOptions } from '../api-client.ts';
import { EXIT_FAILURE, EXIT_USAGE } from '../cli-error.ts';
import { printData } from '../output.ts';

/** Cedar (a WebAssembly module) and the formatters load only for the commands that decide. */
const loadPolicy = async () => ({ ...(await import('@parley/policy')), ...(await import('./policy-format.ts')) });

type Run = (action: () => Promise<number | undefined>, flags?: { json?: boolean }) => Promise<void>;

interface TestFlags extends ApiFlags {
  principal: string;
  action: string;
  resource: string;
  role?: string[];
  parent?: string[];
  onBehalfOf?: string;
  actorChain?: string;
  context?: string;
  files?: string[];
  demo?: boolean;
  server?: boolean;
  expect?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

async function readSources(files: readonly string[]): Promise<PolicySource[]> {
  return Promise.all(files.map(async (name) => ({ name, text: await readFile(name, 'utf8') })));
}

/** `parley policy check [FILES]` and `parley policy test ...`. */
export function registerPolicyCommands(program: Command, run: Run): void {
  const policy = program.command('policy').description('check Cedar policies and explain decisions');

  policy
    .command('check')
    .description("validate .cedar files against Parley's schema, offline (no FILES: the shipped demo policies)")
    .argument('[files...]', '.cedar files')
    .option('--json', 'print the result as JSON')
    .action((files: string[], flags: { json?: boolean }) =>
      run(async () => {
        const { builtinPolicies, compilePolicies, demoPolicies, formatProblems } = await loadPolicy();
        const sources = [...builtinPolicies(), ...(files.length > 0 ? await readSources(files) : demoPolicies())];
        const result = compilePolicies(sources);
        if (result.code === 'invalid') {
          if (flags.json) printData({ ok: false, problems: result.problems }, flags, () => '');
          else
            process.stderr.write(`error: ${result.problems.length} problem(s)\n${formatProblems(result.problems)}\n`);
          return EXIT_USAGE;
        }
        const ids = result.policies.map((p) => p.id);
        printData({ ok: true, files, policies: ids }, flags, () => `valid: ${ids.length} policies (with built-in)`);
        return 0;
      }, flags),
    );

  withApiOptions(
    policy
      .command('test')
      .description('explain a decision: allowed or not, which policies decided, whether approval is needed')
      .requiredOption('--principal <entity>', 'e.g. Agent::"scheduler"')
      .requiredOption('--action <action>', 'e.g. Action::"tools/call" or tools/call')
      .requiredOption('--resource <entity>', 'e.g. Tool::"calendar.find_free_slots" (placed in McpServer::"calendar")')
      .option('--role <role>', 'a role of the principal (repeatable)', collect)
      .option('--parent <entity>', 'a parent of the resource (repeatable)', collect)
      .option('--on-behalf-of <entity>', 'the user the call is made for, e.g. User::"alice"')
      .option('--actor-chain <ids>', 'comma-separated actor chain, immediate actor first')
      .option('--context <json>', 'more context as JSON: {"arguments": {...}, "scopes": [...], ...}')
      .option('--files <file>', 'decide against these .cedar files (repeatable; default: the demo policies)', collect)
      .option('--demo', 'include the demo policies along with --files')
      .option('--server', 'ask the running server (its policy set in force) instead of deciding offline')
      .option('--expect <decision>', 'exit 1 unless the decision is allow, deny or approval-required'),
  ).action((flags: TestFlags) =>
    run(async () => {
      const input = buildInput(flags);
      const {
        builtinPolicies,
        compilePolicies,
        demoPolicies,
        explainDecision,
        explainInputSchema,
        formatExplanation,
        formatProblems,
        PolicyEngine,
        toDecisionRequest,
      } = await loadPolicy();
      let explanation: Explanation;
      if (flags.server) {
        explanation = await new ApiClient(flags).post<Explanation>('/api/policy/explain', input);
      } else {
        const sources = [...builtinPolicies()];
        if (!flags.files || flags.demo) sources.push(...demoPolicies());
        sources.push(...(await readSources(flags.files ?? [])));
        const compiled = compilePolicies(sources);
        if (compiled.code === 'invalid') {
          process.stderr.write(`error: the policies are invalid\n${formatProblems(compiled.problems)}\n`);
          return EXIT_USAGE;
        }
        const engine = new PolicyEngine(compiled.policies);
        const parsed = explainInputSchema.safeParse(input);
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
          throw new ValidationError(
            `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
            issues,
          );
        }
        explanation = explainDecision(engine, engine.authorize(toDecisionRequest(parsed.data, Date.now())));
      }
      printData(explanation, flags, formatExplanation);
      if (flags.expect && flags.expect !== explanation.decision) return EXIT_FAILURE;
      return 0;
    }, flags),
  );
}

function buildInput(flags: TestFlags): Record<string, unknown> {
  let context: Record<string, unknown> = {};
  if (flags.context) {
    try {
      context = JSON.parse(flags.context) as Record<string, unknown>;
    } catch {
      throw new ValidationError('--context must be a JSON object', [{ path: 'context', message: 'not JSON' }]);
    }
  }
  if (flags.onBehalfOf) context.onBehalfOf = flags.onBehalfOf;
  if (flags.actorChain)
    context.actorChain = flags.actorChain
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    principal: flags.principal,
    roles: flags.role ?? [],
    action: flags.action,
    resource: flags.resource,
    ...(flags.parent ? { parents: flags.parent } : {}),
    context,
  };
}
