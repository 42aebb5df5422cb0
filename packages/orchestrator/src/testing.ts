export { DEMO_AGENTS } from './testing/demo-agents.ts';
export { ManualTimers } from './testing/manual-timers.ts';
export {
  type AgentScript,
  completesWith,
  type RunnerRecord,
  type ScriptCall,
  ScriptedRunner,
  untilAborted,
} from './testing/scripted-runner.ts';
