/** The identity part's tables; owned by @parley/identity. */
// biome-ignore lint/suspicious/noEmptyInterface: the part adds its tables here.
export interface IdentityTables {}
