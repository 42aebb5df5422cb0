/** The a2a part's tables; owned by @parley/a2a. */
// biome-ignore lint/suspicious/noEmptyInterface: the part adds its tables here.
export interface A2aTables {}
