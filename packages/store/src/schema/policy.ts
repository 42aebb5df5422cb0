/** The policy part's tables; owned by @parley/policy. */
// biome-ignore lint/suspicious/noEmptyInterface: the part adds its tables here.
export interface PolicyTables {}
