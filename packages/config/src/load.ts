import { readFileSync } from 'node:fs';
import { ConfigError, type Issue } from '@parley/core';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { toIssues } from './issues.ts';
import { type Config, configSchema } from './schema.ts';

/** Environment variables that override settings, applied over the file. */
export const ENV_OVERRIDES: ReadonlyArray<{ env: string; path: readonly string[]; type: 'string' | 'boolean' }> = [
  { env: 'PARLEY_HOST', path: ['server', 'host'], type: 'string' },
  { env: 'PARLEY_PORT', path: ['server', 'port'], type: 'string' },
  { env: 'PARLEY_PUBLIC_URL', path: ['server', 'publicUrl'], type: 'string' },
  { env: 'PARLEY_DATA_DIR', path: ['dataDir'], type: 'string' },
  { env: 'PARLEY_DATABASE_URL', path: ['store', 'url'], type: 'string' },
  { env: 'PARLEY_REDIS_URL', path: ['redis', 'url'], type: 'string' },
  { env: 'PARLEY_LOG_LEVEL', path: ['log', 'level'], type: 'string' },
  { env: 'PARLEY_ALLOW_PRIVATE_NETWORKS', path: ['outbound', 'allowPrivateNetworks'], type: 'boolean' },
  { env: 'PARLEY_CREDENTIAL_KEY', path: ['mcp', 'credentialKey'], type: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_ENDPOINT', path: ['telemetry', 'otlpEndpoint'], type: 'string' },
  { env: 'OTEL_EXPORTER_OTLP_PROTOCOL', path: ['telemetry', 'otlpProtocol'], type: 'string' },
];

export interface LoadConfigOptions {
  /** Path of the YAML file; absent means defaults only. */
  file?: string | undefined;
  /** Environment to read overrides from; defaults to none (pass `process.env` explicitly). */
  env?: Record<string, string | undefined>;
  /** Settings applied beneath the file (mode defaults such as `parley dev`'s). */
  defaults?: ReadonlyArray<{ path: readonly string[]; value: unknown }>;
  /** Settings from command-line flags; they win over file and environment. */
  overrides?: ReadonlyArray<{ path: readonly string[]; value: unknown }>;
}

/**
 * Loads, merges and validates configuration: file, then environment, then flags.
 * Throws a ConfigError listing every problem by its path; never a stack trace.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const { path, value } of options.defaults ?? []) setPath(raw, path, value);
  const file = options.file === undefined ? {} : readYaml(options.file);
  mergeInto(raw, file);
  for (const { env, path, type } of ENV_OVERRIDES) {
    const value = options.env?.[env];
    if (value === undefined || value === '') continue;
    setPath(raw, path, type === 'boolean' ? parseBoolean(value) : value);
  }
  for (const { path, value } of options.overrides ?? []) {
    if (value !== undefined) setPath(raw, path, value);
  }
  return validateConfig(raw, options.file);
}

/** Validates an already parsed object. */
export function validateConfig(raw: unknown, source = 'configuration'): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issues = toIssues(result.error);
    throw new ConfigError(`${source} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'})`, issues);
  }
  return result.data;
}

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read';
    throw new ConfigError(`${file}: ${reason}`, [{ path: file, message: reason }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues: Issue[] = doc.errors.map((error) => {
      const at = lineCounter.linePos(error.pos[0]);
      return { path: `${file}:${at.line}:${at.col}`, message: error.message.split('\n')[0] ?? 'YAML syntax error' };
    });
    throw new ConfigError(`${file} is not valid YAML`, issues);
  }
  if (doc.contents === null) return {};
  if (!isMap(doc.contents)) {
    throw new ConfigError(`${file} must hold a mapping of settings`, [
      { path: '(root)', message: 'must be a mapping' },
    ]);
  }
  return doc.toJS() as Record<string, unknown>;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isPlainObject(existing) && isPlainObject(value)) mergeInto(existing, value);
    else target[key] = value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

function parseBoolean(value: string): boolean | string {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  return value;
}
