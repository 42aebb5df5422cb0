/** The audit part's tables; owned by @parley/audit. */
// biome-ignore lint/suspicious/noEmptyInterface: the part adds its tables here.
export interface AuditTables {}
