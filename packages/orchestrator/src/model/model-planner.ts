import type { Issue, Logger } from '@parley/core';
import { silentLogger } from '@parley/core';
import { generateText, type LanguageModel, type ModelMessage, NoObjectGeneratedError, Output } from 'ai';
import { z } from 'zod';
import { OrchestratorError } from '../errors.ts';
import { composeAnswer, notDoneLines } from '../plan/compose-answer.ts';
import type { Plan } from '../plan/plan.ts';
import type { AnswerInput, PlanInput, Planner } from '../plan/planner.ts';
import { planIssues } from '../plan/validate-plan.ts';
import type { InputProvider } from '../ports/subtask-runner.ts';
import {
  ANSWER_INSTRUCTIONS,
  answerPrompt,
  INPUT_INSTRUCTIONS,
  inputPrompt,
  PLAN_INSTRUCTIONS,
  planPrompt,
} from './prompts.ts';

/** The structured output the model must return for a plan. */
export const modelPlanSchema = z.object({
  subtasks: z
    .array(
      z.object({
        id: z.string().min(1).describe('short unique id, e.g. s1'),
        agent: z.string().min(1).describe('the agent name, exactly as listed'),
        skill: z.string().min(1).describe('the skill id, exactly as listed for that agent'),
        instruction: z.string().min(1).describe('the self-contained message to send to the agent'),
        dependsOn: z.array(z.string()).describe('ids of subtasks whose results this one needs'),
      }),
    )
    .max(20),
  unassigned: z
    .array(z.object({ text: z.string(), reason: z.string() }))
    .describe('parts of the request no listed skill can do'),
});

export interface ModelPlannerOptions {
  readonly model: LanguageModel;
  /** Times the model is shown its plan's problems and asked again. Default 1. */
  readonly repairAttempts?: number;
  readonly logger?: Logger;
}

/**
 * The model-driven planner: the model sees the agents' skills from their
 * cards and returns a plan as structured output (validated by
 * `modelPlanSchema`, then checked against the agents; an invalid plan is sent
 * back once with its problems for repair), and writes the final answer.
 * @see https://ai-sdk.dev/docs/ai-sdk-core/generating-structured-data
 */
export class ModelPlanner implements Planner {
  readonly kind = 'model';
  readonly #model: LanguageModel;
  readonly #repairAttempts: number;
  readonly #logger: Logger;

  constructor(options: ModelPlannerOptions) {
    this.#model = options.model;
    this.#repairAttempts = options.repairAttempts ?? 1;
    this.#logger = options.logger ?? silentLogger();
  }

  async plan(input: PlanInput): Promise<Plan> {
    const messages: ModelMessage[] = [{ role: 'user', content: planPrompt(input.request, input.agents) }];
    let issues: Issue[] = [];
    for (let attempt = 0; attempt <= this.#repairAttempts; attempt += 1) {
      let reply: string;
      try {
        const result = await generateText({
          model: this.#model,
          instructions: PLAN_INSTRUCTIONS,
          messages,
          output: Output.object({ schema: modelPlanSchema }),
          ...(input.signal ? { abortSignal: input.signal } : {}),
        });
        const plan: Plan = { ...result.output, planner: 'model' };
        issues = planIssues(plan, input.agents);
        if (issues.length === 0) return plan;
        reply = JSON.stringify(result.output);
      } catch (error) {
        if (!NoObjectGeneratedError.isInstance(error)) throw modelFailed(error);
        issues = [{ path: '', message: 'the reply is not a plan matching the schema' }];
        reply = error.text ?? '';
      }
      this.#logger.warn({ issues, attempt }, 'the model returned an invalid plan');
      messages.push(
        { role: 'assistant', content: reply },
        {
          role: 'user',
          content: `That plan is invalid:\n${issues.map((i) => `- ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n')}\nReturn a corrected plan that uses only the listed agents and skill ids.`,
        },
      );
    }
    throw new OrchestratorError(
      'ERR_ORCH_PLAN_INVALID',
      `the model's plan is invalid: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
      { issues },
    );
  }

  /**
   * The model writes the answer; whatever it writes, the parts not done are
   * listed after it, so a failure is never hidden. If the model fails, the
   * answer is composed from the artifacts.
   */
  async answer(input: AnswerInput): Promise<string> {
    let text: string;
    try {
      const result = await generateText({
        model: this.#model,
        instructions: ANSWER_INSTRUCTIONS,
        prompt: answerPrompt(input.request, input.plan, input.outcomes),
        ...(input.signal ? { abortSignal: input.signal } : {}),
      });
      text = result.text.trim();
    } catch (error) {
      this.#logger.warn({ err: error }, 'the model could not write the answer; composing it from the results');
      return composeAnswer(input.plan, input.outcomes);
    }
    const notDone = notDoneLines(input.plan, input.outcomes);
    return notDone.length === 0 ? text : `${text}\n\nNot done:\n${notDone.join('\n')}`;
  }
}

/** An InputProvider that lets the model answer an agent's question from the request and results, or decline. */
export function modelInputProvider(model: LanguageModel): InputProvider {
  return {
    async provide(input, signal) {
      const result = await generateText({
        model,
        instructions: INPUT_INSTRUCTIONS,
        prompt: inputPrompt(input),
        abortSignal: signal,
      });
      const answer = result.text.trim();
      return answer === '' || /^UNKNOWN\.?$/i.test(answer) ? undefined : answer;
    },
  };
}

function modelFailed(error: unknown): OrchestratorError {
  return new OrchestratorError(
    'ERR_ORCH_MODEL_FAILED',
    `the planning model failed: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}
