/** Small named settings that must survive restarts (instance id, issuer). */
export interface MetaTable {
  key: string;
  value: string;
  updated_at: number;
}
