import { cedar, type DetailedError } from '../cedar/cedar.ts';
import { parleySchemaText } from '../schema/parley-schema.ts';
import { type ContextReads, contextReadsOf } from './context-reads.ts';
import { lineAndColumn, type PolicyProblem } from './policy-problem.ts';
import { type PolicyScope, scopeOf } from './policy-scope.ts';
import { splitPolicies } from './split-policies.ts';

/** Cedar text from somewhere: a file (`name` is its path) or a stored document (`store:<name>`). */
export interface PolicySource {
  readonly name: string;
  readonly text: string;
}

/** One parsed, validated policy of the set in force. */
export interface CompiledPolicy {
  /** `@id("…")` when given, else `<source>:<line>`. */
  readonly id: string;
  readonly effect: 'permit' | 'forbid';
  readonly annotations: Readonly<Record<string, string>>;
  readonly source: string;
  readonly line: number;
  /** UTF-16 offset of `text` in its source. */
  readonly offset: number;
  readonly text: string;
  readonly scope: PolicyScope;
  /** The `context` attributes the policy can observe. */
  readonly contextReads: ContextReads;
}

/** The outcome of compiling sources: data, so callers render or return it. */
export type CompileResult =
  | { readonly code: 'ok'; readonly policies: readonly CompiledPolicy[] }
  | { readonly code: 'invalid'; readonly problems: readonly PolicyProblem[] };

/**
 * Parses every source, gives each policy its id, and validates the whole set
 * against Parley's Cedar schema (strict mode). Every problem carries its
 * `source:line:column`. Attributes of `context.arguments` are exempt from the
 * schema (tool arguments have no fixed shape).
 * @see https://docs.cedarpolicy.com/policies/validation.html
 */
export function compilePolicies(sources: readonly PolicySource[]): CompileResult {
  const problems: PolicyProblem[] = [];
  const policies: CompiledPolicy[] = [];
  const byId = new Map<string, CompiledPolicy>();
  for (const source of sources) {
    const parsed = cedar.checkParsePolicySet({ staticPolicies: source.text });
    if (parsed.type === 'failure') {
      problems.push(...parsed.errors.map((error) => problemAt('parse', source, source.text, 0, error)));
      continue;
    }
    for (const statement of splitPolicies(source.text)) {
      const json = cedar.policyToJson(statement.text);
      const where = lineAndColumn(source.text, statement.start);
      if (json.type === 'failure') {
        problems.push(...json.errors.map((error) => problemAt('parse', source, source.text, statement.offset, error)));
        continue;
      }
      const annotations = json.json.annotations ?? {};
      const id = annotations.id ?? `${source.name}:${where.line}`;
      const policy: CompiledPolicy = {
        id,
        effect: json.json.effect,
        annotations,
        source: source.name,
        line: where.line,
        offset: statement.offset + (statement.text.length - statement.text.trimStart().length),
        text: statement.text.trim(),
        scope: scopeOf(json.json),
        contextReads: contextReadsOf(json.json),
      };
      const clash = byId.get(id);
      if (clash) {
        problems.push({
          code: 'duplicate-id',
          source: source.name,
          ...where,
          policyId: id,
          message: `policy id "${id}" is already used at ${clash.source}:${clash.line}`,
        });
        continue;
      }
      byId.set(id, policy);
      policies.push(policy);
    }
  }
  if (problems.length > 0) return { code: 'invalid', problems };
  problems.push(...validateAgainstSchema(policies, sources));
  return problems.length > 0 ? { code: 'invalid', problems } : { code: 'ok', policies };
}

function validateAgainstSchema(policies: readonly CompiledPolicy[], sources: readonly PolicySource[]): PolicyProblem[] {
  if (policies.length === 0) return [];
  const texts = Object.fromEntries(policies.map((p) => [p.id, p.text]));
  const answer = cedar.validate({
    schema: parleySchemaText,
    policies: { staticPolicies: texts },
    validationSettings: { mode: 'strict' },
  });
  if (answer.type === 'failure') {
    return answer.errors.map((error) => ({ code: 'schema', source: 'parley.cedarschema', message: error.message }));
  }
  const problems: PolicyProblem[] = [];
  for (const { policyId, error } of answer.validationErrors) {
    if (isOpenArgumentsAccess(error)) continue;
    const policy = policies.find((p) => p.id === policyId);
    const source = sources.find((s) => s.name === policy?.source);
    if (!policy || !source) continue;
    // Cedar's locations are relative to the policy text; move them into the file.
    problems.push({ ...problemAt('validation', source, source.text, policy.offset, error, policy.text), policyId });
  }
  return problems;
}

/** `context.arguments` has no declared attributes, so reading one is allowed (see the schema). */
function isOpenArgumentsAccess(error: DetailedError): boolean {
  return /attribute `arguments\.[^`]*` in context for .* not found/.test(error.message);
}

function problemAt(
  code: PolicyProblem['code'],
  source: PolicySource,
  text: string,
  base: number,
  error: DetailedError,
  locatedIn: string = text.slice(base),
): PolicyProblem {
  const location = error.sourceLocations?.[0];
  const message = error.help ? `${error.message} (${error.help})` : error.message;
  if (!location) {
    const where = lineAndColumn(text, base + firstSignificant(locatedIn));
    return { code, source: source.name, ...where, message };
  }
  const where = lineAndColumn(text, base + utf16Offset(locatedIn, location.start));
  return { code, source: source.name, ...where, message: location.label ? `${message}: ${location.label}` : message };
}

function firstSignificant(text: string): number {
  const match = /\S/.exec(text);
  return match ? match.index : 0;
}

/** Cedar reports UTF-8 byte offsets; JavaScript strings count UTF-16 units. */
function utf16Offset(text: string, byteOffset: number): number {
  return Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8').length;
}
