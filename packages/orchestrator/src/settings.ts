import type { Config } from '@parley/config';
import type { Logger } from '@parley/core';
import type { ExecutionSettings } from './executor/run-subtask.ts';
import { createLanguageModel } from './model/create-model.ts';
import { ModelPlanner } from './model/model-planner.ts';
import { OfflinePlanner } from './offline/offline-planner.ts';
import type { Planner } from './plan/planner.ts';

/** `orchestrator.subtaskTimeout` and `orchestrator.retries`. */
export function executionSettings(config: Config['orchestrator']): ExecutionSettings {
  return { subtaskTimeout: config.subtaskTimeout, retries: config.retries };
}

/** The planner `orchestrator.model` selects: the model-driven one, else the offline fallback. */
export function plannerFromConfig(
  config: Config['orchestrator'],
  options: { env?: NodeJS.ProcessEnv; logger?: Logger } = {},
): Planner {
  if (!config.model) return new OfflinePlanner();
  return new ModelPlanner({
    model: createLanguageModel(config.model, options.env),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
