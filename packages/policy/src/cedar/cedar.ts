/**
 * The Cedar engine, compiled to WebAssembly and run in process. Only the
 * `nodejs` build loads synchronously under Node; every Cedar call goes through
 * this module so the rest of the package never touches the binding directly.
 * @see https://docs.cedarpolicy.com/
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

export type {
  AuthorizationAnswer,
  CedarValueJson,
  DetailedError,
  EntityJson,
  EntityUidJson,
  PolicyJson,
  SchemaJson,
  StatefulAuthorizationCall,
} from '@cedar-policy/cedar-wasm/nodejs';

export { cedar };
