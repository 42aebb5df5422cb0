import { ValidationError } from '@parley/core';
import type { z } from 'zod';

/**
 * Validates one part of a request (body, query, params) against its schema:
 * the parsed value, or a ValidationError (400) naming every problem by path;
 * a problem with the whole value is named `root`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = '(body)'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || root, message: i.message }));
  throw new ValidationError(`invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}
