import { describe, expect, it } from 'vitest';
import { toApiError } from './api-error.ts';

describe('toApiError', () => {
  it('turns a policy refusal into "forbidden" with the server\'s code and message', () => {
    const error = toApiError(403, { error: { code: 'ERR_FORBIDDEN', message: 'policies/read: no policy permits it' } });
    expect(error).toMatchObject({
      kind: 'forbidden',
      status: 403,
      code: 'ERR_FORBIDDEN',
      message: 'policies/read: no policy permits it',
    });
  });

  it('keeps policy problems with their lines so the editor can show them inline', () => {
    const error = toApiError(400, {
      error: {
        code: 'ERR_POLICY_INVALID',
        message: 'the policy is invalid',
        problems: [{ code: 'parse', source: 'store:team', line: 3, column: 7, message: 'unexpected token' }],
      },
    });
    expect(error.kind).toBe('invalid');
    expect(error.issues).toEqual([{ source: 'store:team', line: 3, column: 7, message: 'unexpected token' }]);
  });

  it('keeps request validation issues by path', () => {
    const error = toApiError(400, {
      error: { code: 'ERR_VALIDATION', message: 'invalid', issues: [{ path: 'name', message: 'must be a slug' }] },
    });
    expect(error.issues).toEqual([{ path: 'name', message: 'must be a slug' }]);
  });

  it('reads OAuth errors and non-JSON answers', () => {
    expect(toApiError(400, { error: 'invalid_grant', error_description: 'code expired' })).toMatchObject({
      kind: 'invalid',
      code: 'invalid_grant',
      message: 'code expired',
    });
    expect(toApiError(502, 'Bad Gateway')).toMatchObject({ kind: 'unavailable', code: 'HTTP_502' });
    expect(toApiError(401, null).kind).toBe('unauthenticated');
  });
});
