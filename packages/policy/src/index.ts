export {
  APPROVAL_DECIDED_TOPIC,
  type Approval,
  type ApprovalBinding,
  type ApprovalDecidedEvent,
  type ApprovalState,
  entityText,
} from './approvals/approval.ts';
export {
  APPROVAL_REQUESTED_TOPIC,
  type ApprovalRequestedEvent,
  ApprovalService,
  type ApprovalServiceOptions,
} from './approvals/approval-service.ts';
export { toCedarRecord, toCedarValue } from './engine/cedar-value.ts';
export { denyReason, type EvaluationProblem, type PolicyDecision } from './engine/decision.ts';
export {
  type CedarRequest,
  type DecisionContext,
  type DecisionRequest,
  type RequestEntity,
  toCedarRequest,
} from './engine/decision-request.ts';
export { fromCaller, principalOf } from './engine/from-caller.ts';
export { PolicyEngine } from './engine/policy-engine.ts';
export { ApprovalStateError, PolicyEvaluationError, PolicyInvalidError } from './errors.ts';
export { parleySchemaText } from './schema/parley-schema.ts';
export { type ExplainInput, explainInputSchema, parseEntityText, toDecisionRequest } from './service/explain-input.ts';
export { type DeterminingPolicy, type Explanation, explainDecision } from './service/explanation.ts';
export { approvalEntity, bindingOf, MESH_ENTITY, PolicyService } from './service/policy-service.ts';
export { POLICY_CHANGED_TOPIC, PolicySet, type PolicySetOptions, type ReloadResult } from './service/policy-set.ts';
export { type CompiledPolicy, type CompileResult, compilePolicies, type PolicySource } from './source/compile.ts';
export { type PolicyProblem, renderProblem } from './source/policy-problem.ts';
export { builtinPolicies, builtinPolicyFile, demoPolicies, demoPolicyDir } from './source/shipped-policies.ts';
export { type PolicyDocument, PolicyDocuments, storeSourceName } from './store/policy-documents.ts';
