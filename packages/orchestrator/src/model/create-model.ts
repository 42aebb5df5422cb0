import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { Config } from '@parley/config';
import type { LanguageModel } from 'ai';
import { OrchestratorError } from '../errors.ts';

/** `orchestrator.model` from parley.yaml. */
export type ModelSettings = NonNullable<Config['orchestrator']['model']>;

/**
 * The language model `orchestrator.model` names: OpenAI, Anthropic, or any
 * OpenAI-compatible endpoint (Ollama, vLLM) at `baseUrl`. The API key is read
 * from the environment variable `apiKeyEnv` (else the provider's default).
 * @see https://ai-sdk.dev/providers/openai-compatible-providers
 */
export function createLanguageModel(settings: ModelSettings, env: NodeJS.ProcessEnv = process.env): LanguageModel {
  const apiKey = settings.apiKeyEnv === undefined ? undefined : env[settings.apiKeyEnv];
  if (settings.apiKeyEnv !== undefined && !apiKey) {
    throw new OrchestratorError(
      'ERR_ORCH_MODEL_CONFIG',
      `orchestrator.model.apiKeyEnv names ${settings.apiKeyEnv}, which is not set`,
      { status: 500 },
    );
  }
  const withKey = apiKey === undefined ? {} : { apiKey };
  const withBase = settings.baseUrl === undefined ? {} : { baseURL: settings.baseUrl };
  switch (settings.provider) {
    case 'openai':
      return createOpenAI({ ...withKey, ...withBase })(settings.model);
    case 'anthropic':
      return createAnthropic({ ...withKey, ...withBase })(settings.model);
    case 'openai-compatible':
      if (settings.baseUrl === undefined) {
        throw new OrchestratorError(
          'ERR_ORCH_MODEL_CONFIG',
          'orchestrator.model.baseUrl is required for provider openai-compatible',
          { status: 500 },
        );
      }
      return createOpenAICompatible({ name: 'openai-compatible', baseURL: settings.baseUrl, ...withKey }).chatModel(
        settings.model,
      );
  }
}
