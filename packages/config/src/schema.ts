import { z } from 'zod';
import { parseDuration } from './duration.ts';

/** A duration written as `30s`, `5m`, `30d` or a number of seconds; parsed to milliseconds. */
export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30s, 5m, 12h or 30d' });
    return z.NEVER;
  }
  return ms;
});

export const httpUrl = z.string({ error: 'must be an http(s) URL' }).refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

const name = z
  .string({ error: 'must be a name' })
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes, starting with a letter');

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

export const serverSchema = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(7070),
    /** The externally visible base URL; the issuer and every resource URL derive from it. */
    publicUrl: httpUrl.optional(),
    bodyLimit: z.coerce.number().int().positive().default(1_048_576),
    trustProxy: z.boolean().default(false),
    /** How long in-flight requests may take to finish on shutdown. */
    shutdownGrace: duration.prefault('8s'),
  })
  .prefault({});

export const storeSchema = z
  .strictObject({
    /** `postgres://…` for PostgreSQL; absent means SQLite in the data directory. */
    url: z
      .string()
      .refine((v) => /^(postgres(ql)?|sqlite):/.test(v), 'must be a postgres:// or sqlite: URL')
      .optional(),
    /** PostgreSQL schema to keep Parley's tables in (created if missing); absent: the connection's default. */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier (letters, digits, _)')
      .optional(),
  })
  .prefault({});

export const outboundSchema = z
  .strictObject({
    /** Allow private, loopback and link-local targets (development only). */
    allowPrivateNetworks: z.boolean().default(false),
    /** Host names (or host:port) exempt from the private-address refusal. */
    allowedHosts: z.array(z.string().min(1)).default([]),
    timeout: duration.prefault('10s'),
    maxBytes: z.coerce.number().int().positive().default(1_048_576),
    maxRedirects: z.coerce.number().int().min(0).max(20).default(5),
  })
  .prefault({});

export const trustedIssuerSchema = z.strictObject({
  issuer: httpUrl,
  /** Expected `aud`; defaults to the resource being called. */
  audience: z.string().optional(),
  claims: z
    .strictObject({
      subject: z.string().default('sub'),
      username: z.string().default('preferred_username'),
      scope: z.string().default('scope'),
    })
    .prefault({}),
});

export const identitySchema = z
  .strictObject({
    accessTokenTtl: duration.prefault('10m'),
    refreshTokenTtl: duration.prefault('14d'),
    maxDelegationDepth: z.coerce.number().int().min(1).max(10).default(4),
    trustedIssuers: z.array(trustedIssuerSchema).default([]),
  })
  .prefault({});

export const policySchema = z
  .strictObject({
    files: z.array(z.string().min(1)).default([]),
    approvalTtl: duration.prefault('15m'),
  })
  .prefault({});

const upstreamAuthSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('token-exchange'), audience: z.string().optional(), scope: z.string().optional() }),
  z.strictObject({
    type: z.literal('client-credentials'),
    tokenUrl: httpUrl,
    clientId: z.string().min(1),
    clientSecretEnv: z.string().min(1),
    scope: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('static'),
    header: z.string().default('authorization'),
    value: z.string().optional(),
    valueEnv: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('per-user'), header: z.string().default('authorization') }),
]);

/** An OAuth scope token (RFC 6749 section 3.3: printable ASCII but space, `"` and `\`). */
const scopeToken = z
  .string()
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be an OAuth scope token (no spaces or quotes)');

/**
 * OAuth scopes a caller's token must carry to call a server's tools, by the
 * tool's own name (as the server names it) or `*` for every tool; a caller
 * without them is answered 403 `insufficient_scope` naming them (step-up).
 */
const toolScopes = z.record(z.string().min(1), z.array(scopeToken).min(1)).optional();

export const mcpServerSchema = z.union([
  z.strictObject({
    name,
    url: httpUrl,
    prefix: z.string().optional(),
    auth: upstreamAuthSchema.default({ type: 'none' }),
    toolScopes,
  }),
  z.strictObject({
    name,
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    prefix: z.string().optional(),
    toolScopes,
  }),
]);

export const mcpSchema = z
  .strictObject({
    servers: z.array(mcpServerSchema).default([]),
    virtualServers: z.array(z.strictObject({ name, tools: z.array(z.string().min(1)).min(1) })).default([]),
    approvalWait: duration.prefault('2m'),
    rateLimit: z
      .strictObject({ requests: z.coerce.number().int().positive().default(600), window: duration.prefault('1m') })
      .prefault({}),
    /**
     * Serve plain stateless `tools/call` requests (2026-07-28, no progress,
     * logs or input requests) to HTTP upstreams without the MCP SDK's
     * per-request server and client: the same checks and, from a well-behaved
     * upstream, the same answers (docs/mcp.md names the one that differs), at
     * a fraction of the cost. `false` sends every request through the SDK.
     */
    directToolCalls: z.boolean().default(true),
    /**
     * Host names (no scheme or port; `[::1]` for IPv6) whose pages may call
     * the gateway from a browser, besides the mesh's own host: a request whose
     * `Origin` names any other is refused with 403 (DNS-rebinding protection).
     * `<scheme>://*` allows every origin of a non-web scheme (a browser
     * extension's). Requests without `Origin` (non-browser clients) are not affected.
     */
    allowedOrigins: z.array(z.string().min(1)).default([]),
    /**
     * The key sealing per-user upstream credentials: 32 bytes, base64. Absent:
     * generated once into `<dataDir>/credential-key` (mode 0600).
     */
    credentialKey: z
      .string()
      .refine(
        (v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32,
        'must be 32 bytes, base64 (openssl rand -base64 32)',
      )
      .optional(),
  })
  .prefault({});

export const a2aSchema = z
  .strictObject({
    agents: z.array(z.strictObject({ name, url: httpUrl })).default([]),
    refreshInterval: duration.prefault('10m'),
  })
  .prefault({});

export const orchestratorSchema = z
  .strictObject({
    model: z
      .strictObject({
        provider: z.enum(['openai', 'anthropic', 'openai-compatible']),
        model: z.string().min(1),
        baseUrl: httpUrl.optional(),
        apiKeyEnv: z.string().optional(),
      })
      .optional(),
    subtaskTimeout: duration.prefault('5m'),
    retries: z.coerce.number().int().min(0).max(5).default(1),
  })
  .prefault({});

export const telemetrySchema = z
  .strictObject({
    otlpEndpoint: httpUrl.optional(),
    /** OTLP/HTTP encoding of exported spans (`OTEL_EXPORTER_OTLP_PROTOCOL`). */
    otlpProtocol: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
    serviceName: z.string().default('parley'),
    /**
     * Share of new traces recorded, 0 to 1 (a caller's sampled `traceparent` is followed). Unset, the
     * standard `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` apply; by default every trace is kept.
     */
    sampleRatio: z.coerce.number().min(0).max(1).optional(),
    /** How long the embedded span store keeps spans. */
    spanRetention: duration.prefault('7d'),
    /** Most spans the embedded span store keeps; the oldest go first. */
    maxSpans: z.coerce.number().int().min(100).default(100_000),
  })
  .prefault({});

/** The whole of `parley.yaml`. */
export const configSchema = z.strictObject({
  dataDir: z.string().min(1).default('./.parley'),
  server: serverSchema,
  store: storeSchema,
  redis: z
    .strictObject({
      url: z
        .string()
        .regex(/^rediss?:\/\//, 'must be a redis:// URL')
        .optional(),
    })
    .prefault({}),
  log: z
    .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .prefault({}),
  outbound: outboundSchema,
  identity: identitySchema,
  policy: policySchema,
  mcp: mcpSchema,
  a2a: a2aSchema,
  orchestrator: orchestratorSchema,
  telemetry: telemetrySchema,
});

/** The validated configuration, every default filled in. */
export type Config = z.output<typeof configSchema>;
/** What a user may write in `parley.yaml`. */
export type ConfigInput = z.input<typeof configSchema>;
