import { createContext, useContext } from 'react';
import type { Me } from '../api/types.ts';

/** Who is signed in, for the whole app. */
export const MeContext = createContext<Me | undefined>(undefined);

/** The signed-in principal (undefined while loading). */
export function useMe(): Me | undefined {
  return useContext(MeContext);
}
