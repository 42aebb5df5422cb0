import type { AgentDefinition } from '../runtime/define-agent.ts';
import type { AgentCard, AgentInterface, SecurityRequirement, SecurityScheme } from '../wire/schemas/agent-card.ts';

/** Parley's authorization server, as cards point callers to it. */
export interface AuthorizationServerInfo {
  /** RFC 8414 metadata URL: `${baseUrl}/.well-known/oauth-authorization-server`. */
  readonly metadataUrl: string;
  readonly tokenUrl: string;
  readonly authorizationUrl: string;
  readonly scopes?: Readonly<Record<string, string>>;
}

/** Parley's defaults below `baseUrl`; the identity part may publish the exact endpoints. */
export function parleyAuthorizationServer(baseUrl: string): AuthorizationServerInfo {
  return {
    metadataUrl: `${baseUrl}/.well-known/oauth-authorization-server`,
    tokenUrl: `${baseUrl}/oauth/token`,
    authorizationUrl: `${baseUrl}/oauth/authorize`,
  };
}

/** The interfaces of an agent at `url`: JSON-RPC and HTTP+JSON at 1.0, JSON-RPC at 0.3. */
export function agentInterfaces(url: string): AgentInterface[] {
  return [
    { url, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
    { url, protocolBinding: 'HTTP+JSON', protocolVersion: '1.0' },
    { url, protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
  ];
}

/**
 * OAuth 2 security schemes pointing at Parley's authorization server: client
 * credentials for agents, authorization code with PKCE for users. A card can
 * name one flow per scheme, hence two schemes, either of which suffices.
 * @see https://a2a-protocol.org/v1.0.0/specification/#445-securityscheme
 */
export function parleySecurity(server: AuthorizationServerInfo): {
  securitySchemes: Record<string, SecurityScheme>;
  securityRequirements: SecurityRequirement[];
} {
  const scopes = { ...(server.scopes ?? {}) };
  return {
    securitySchemes: {
      parleyClientCredentials: {
        oauth2SecurityScheme: {
          description: 'Parley authorization server (agents and services)',
          flows: { clientCredentials: { tokenUrl: server.tokenUrl, scopes } },
          oauth2MetadataUrl: server.metadataUrl,
        },
      },
      parleyAuthorizationCode: {
        oauth2SecurityScheme: {
          description: 'Parley authorization server (users)',
          flows: {
            authorizationCode: {
              authorizationUrl: server.authorizationUrl,
              tokenUrl: server.tokenUrl,
              scopes,
              pkceRequired: true,
            },
          },
          oauth2MetadataUrl: server.metadataUrl,
        },
      },
    },
    securityRequirements: [
      { schemes: { parleyClientCredentials: { list: [] } } },
      { schemes: { parleyAuthorizationCode: { list: [] } } },
    ],
  };
}

/** An agent's (unsigned) card, served at `url`. */
export function buildAgentCard(
  agent: AgentDefinition,
  options: { url: string; authorizationServer?: AuthorizationServerInfo; pushNotifications: boolean },
): AgentCard {
  const { card } = agent;
  return {
    name: card.name ?? agent.name,
    description: card.description,
    supportedInterfaces: agentInterfaces(options.url),
    ...(card.provider ? { provider: card.provider } : {}),
    version: card.version ?? '1.0.0',
    ...(card.documentationUrl ? { documentationUrl: card.documentationUrl } : {}),
    capabilities: {
      streaming: true,
      pushNotifications: options.pushNotifications,
      extendedAgentCard: agent.extendedDescription !== undefined,
    },
    ...(options.authorizationServer ? parleySecurity(options.authorizationServer) : {}),
    defaultInputModes: card.defaultInputModes ?? ['text/plain', 'application/json'],
    defaultOutputModes: card.defaultOutputModes ?? ['text/plain', 'application/json'],
    skills: agent.skills.map((skill) => ({ ...skill })),
    ...(card.iconUrl ? { iconUrl: card.iconUrl } : {}),
  };
}
