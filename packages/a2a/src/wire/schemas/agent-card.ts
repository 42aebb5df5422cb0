import { z } from 'zod';

/**
 * zod schemas for the Agent Card (A2A 1.0). Unknown members are dropped, as
 * the card canonicalization for signatures covers the schema's members only.
 * @see https://a2a-protocol.org/v1.0.0/specification/#441-agentcard
 */

const scopes = z.record(z.string(), z.string());

const oauthFlowsSchema = z.object({
  authorizationCode: z
    .object({
      authorizationUrl: z.string(),
      tokenUrl: z.string(),
      refreshUrl: z.string().optional(),
      scopes,
      pkceRequired: z.boolean().optional(),
    })
    .optional(),
  clientCredentials: z.object({ tokenUrl: z.string(), refreshUrl: z.string().optional(), scopes }).optional(),
  deviceCode: z
    .object({
      deviceAuthorizationUrl: z.string(),
      tokenUrl: z.string(),
      refreshUrl: z.string().optional(),
      scopes,
    })
    .optional(),
});

/** @see https://a2a-protocol.org/v1.0.0/specification/#445-securityscheme */
export const securitySchemeSchema = z.object({
  apiKeySecurityScheme: z
    .object({ description: z.string().optional(), location: z.string(), name: z.string() })
    .optional(),
  httpAuthSecurityScheme: z
    .object({ description: z.string().optional(), scheme: z.string(), bearerFormat: z.string().optional() })
    .optional(),
  oauth2SecurityScheme: z
    .object({
      description: z.string().optional(),
      flows: oauthFlowsSchema,
      oauth2MetadataUrl: z.string().optional(),
    })
    .optional(),
  openIdConnectSecurityScheme: z
    .object({ description: z.string().optional(), openIdConnectUrl: z.string() })
    .optional(),
  mtlsSecurityScheme: z.object({ description: z.string().optional() }).optional(),
});
export type SecurityScheme = z.infer<typeof securitySchemeSchema>;

export const securityRequirementSchema = z.object({
  schemes: z.record(z.string(), z.object({ list: z.array(z.string()).optional() })),
});
export type SecurityRequirement = z.infer<typeof securityRequirementSchema>;

/** @see https://a2a-protocol.org/v1.0.0/specification/#442-agentinterface */
export const agentInterfaceSchema = z.object({
  url: z.url(),
  protocolBinding: z.string().min(1),
  tenant: z.string().optional(),
  protocolVersion: z.string().min(1),
});
export type AgentInterface = z.infer<typeof agentInterfaceSchema>;

/** @see https://a2a-protocol.org/v1.0.0/specification/#448-agentskill */
export const agentSkillSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string(),
  tags: z.array(z.string()),
  examples: z.array(z.string()).optional(),
  inputModes: z.array(z.string()).optional(),
  outputModes: z.array(z.string()).optional(),
  securityRequirements: z.array(securityRequirementSchema).optional(),
});
export type AgentSkill = z.infer<typeof agentSkillSchema>;

/** @see https://a2a-protocol.org/v1.0.0/specification/#4410-agentcardsignature */
export const agentCardSignatureSchema = z.object({
  protected: z.string().min(1),
  signature: z.string().min(1),
  header: z.record(z.string(), z.unknown()).optional(),
});
export type AgentCardSignature = z.infer<typeof agentCardSignatureSchema>;

export const agentCardSchema = z.object({
  name: z.string().min(1),
  description: z.string(),
  supportedInterfaces: z.array(agentInterfaceSchema).min(1),
  provider: z.object({ url: z.string(), organization: z.string() }).optional(),
  version: z.string().min(1),
  documentationUrl: z.string().optional(),
  capabilities: z
    .object({
      streaming: z.boolean().optional(),
      pushNotifications: z.boolean().optional(),
      extensions: z
        .array(
          z.object({
            uri: z.string(),
            description: z.string().optional(),
            required: z.boolean().optional(),
            params: z.record(z.string(), z.unknown()).optional(),
          }),
        )
        .optional(),
      extendedAgentCard: z.boolean().optional(),
    })
    .optional(),
  securitySchemes: z.record(z.string(), securitySchemeSchema).optional(),
  securityRequirements: z.array(securityRequirementSchema).optional(),
  defaultInputModes: z.array(z.string()),
  defaultOutputModes: z.array(z.string()),
  skills: z.array(agentSkillSchema),
  signatures: z.array(agentCardSignatureSchema).optional(),
  iconUrl: z.string().optional(),
});
export type AgentCard = z.infer<typeof agentCardSchema>;
