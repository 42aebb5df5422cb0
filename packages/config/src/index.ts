export { parseDuration } from './duration.ts';
export { formatPath, toIssues } from './issues.ts';
export { ENV_OVERRIDES, type LoadConfigOptions, loadConfig, validateConfig } from './load.ts';
export { publicBaseUrl } from './public-url.ts';
export {
  type Config,
  type ConfigInput,
  configSchema,
  duration,
  httpUrl,
  mcpServerSchema,
  trustedIssuerSchema,
} from './schema.ts';
export { toolScopesOf } from './tool-scopes.ts';
