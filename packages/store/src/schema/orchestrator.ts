/** The orchestrator part's tables; owned by @parley/orchestrator. */
// biome-ignore lint/suspicious/noEmptyInterface: the part adds its tables here.
export interface OrchestratorTables {}
