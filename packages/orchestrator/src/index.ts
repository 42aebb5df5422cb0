export { A2ASubtaskRunner, type A2ASubtaskRunnerOptions } from './concierge/a2a-subtask-runner.ts';
export { CONCIERGE, type ConciergeOptions, conciergeAgent } from './concierge/concierge-agent.ts';
export { followTask } from './concierge/follow-task.ts';
export { type MeshDirectoryOptions, meshDirectory } from './concierge/mesh-directory.ts';
export { SiblingAnswers } from './concierge/sibling-answers.ts';
export { OrchestratorError, type OrchestratorErrorCode } from './errors.ts';
export { type ExecutePlanOptions, executePlan } from './executor/execute-plan.ts';
export type { ExecutionSettings } from './executor/run-subtask.ts';
export { systemTimers, type Timers } from './executor/timers.ts';
export { createLanguageModel, type ModelSettings } from './model/create-model.ts';
export { ModelPlanner, type ModelPlannerOptions, modelInputProvider, modelPlanSchema } from './model/model-planner.ts';
export { Bm25Index } from './offline/bm25.ts';
export { inferDependencies } from './offline/infer-dependencies.ts';
export { OfflinePlanner, type OfflinePlannerOptions } from './offline/offline-planner.ts';
export { SkillIndex, type SkillMatch } from './offline/skill-index.ts';
export { type SplitRequest, type SubRequest, splitRequest } from './offline/split-request.ts';
export { type AskOptions, Orchestrator, type OrchestratorOptions } from './orchestrator.ts';
export { composeAnswer } from './plan/compose-answer.ts';
export type { Plan, Subtask, UnassignedRequest } from './plan/plan.ts';
export type { AnswerInput, PlanInput, Planner } from './plan/planner.ts';
export { assertValidPlan, planIssues } from './plan/validate-plan.ts';
export {
  type Artifact,
  artifactText,
  type Part,
  TASK_STATES,
  type TaskState,
  TERMINAL_TASK_STATES,
} from './ports/a2a-shapes.ts';
export {
  type AgentCandidate,
  type AgentDirectory,
  type AgentSkill,
  staticAgentDirectory,
} from './ports/agent-directory.ts';
export {
  type ApprovalRef,
  firstAnswer,
  type InputProvider,
  type InputRequest,
  type SubtaskInput,
  type SubtaskMessage,
  type SubtaskReply,
  type SubtaskRequest,
  type SubtaskRunner,
  type SubtaskUpdate,
} from './ports/subtask-runner.ts';
export type {
  AskResult,
  AskState,
  ProgressEvent,
  ProgressEventBody,
  SubtaskOutcome,
  SubtaskStatus,
} from './progress/progress-event.ts';
export {
  PROGRESS_METADATA_KEY,
  progressEventSchema,
  progressFromMetadata,
  progressMetadata,
} from './progress/progress-wire.ts';
export { executionSettings, plannerFromConfig } from './settings.ts';
