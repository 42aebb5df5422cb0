import { describe, expect, it } from 'vitest';
import { plannerFromConfig } from '../settings.ts';
import { createLanguageModel } from './create-model.ts';

describe('choosing the model from configuration', () => {
  it('builds the configured provider, with the key from the named variable', () => {
    const env = { MY_KEY: 'sk-test' };
    const openai = createLanguageModel({ provider: 'openai', model: 'gpt-4.1', apiKeyEnv: 'MY_KEY' }, env);
    expect(openai).toMatchObject({ modelId: 'gpt-4.1', provider: expect.stringContaining('openai') });
    const anthropic = createLanguageModel({ provider: 'anthropic', model: 'claude-x', apiKeyEnv: 'MY_KEY' }, env);
    expect(anthropic).toMatchObject({ provider: expect.stringContaining('anthropic') });
    const local = createLanguageModel(
      { provider: 'openai-compatible', model: 'llama3', baseUrl: 'http://127.0.0.1:11434/v1' },
      env,
    );
    expect(local).toMatchObject({ modelId: 'llama3', provider: expect.stringContaining('openai-compatible') });
  });

  it('refuses a missing key variable and an openai-compatible model without baseUrl', () => {
    expect(() => createLanguageModel({ provider: 'openai', model: 'm', apiKeyEnv: 'NOPE' }, {})).toThrow(/NOPE/);
    expect(() => createLanguageModel({ provider: 'openai-compatible', model: 'm' }, {})).toThrow(/baseUrl is required/);
  });

  it('falls back to the offline planner when no model is configured', () => {
    expect(plannerFromConfig({ subtaskTimeout: 1, retries: 0 }).kind).toBe('offline');
    const model = plannerFromConfig(
      { subtaskTimeout: 1, retries: 0, model: { provider: 'openai', model: 'm', apiKeyEnv: 'K' } },
      { env: { K: 'x' } },
    );
    expect(model.kind).toBe('model');
  });
});
