/**
 * Token storage compatible with the Globus Python SDK (v4): memory, JSON file and SQLite
 * stores, default GlobusApp paths, a cross-process file lock, and a validating wrapper.
 *
 * @module
 */
export { BaseTokenStorage, type IdTokenDecoderLike, type TokenStorageOptions } from "./base.ts";
export { ConsentForest, type ConsentRecord, type ConsentSource } from "./consents.ts";
export {
  ExpiredTokenError,
  FileLockTimeoutError,
  IdentityMismatchError,
  IdentityValidationError,
  InvalidTokenDataError,
  MissingIdentityError,
  MissingTokenError,
  TokenStorageClosedError,
  TokenStorageError,
  TokenStorageFormatError,
  TokenValidationError,
  UnmetScopeRequirementsError,
} from "./errors.ts";
export {
  type FileSnapshot,
  FileTokenStorage,
  type FileTokenStorageOptions,
  type FileVersion,
  fileVersion,
  writeFileAtomic,
} from "./file.ts";
export { type FileLockOptions, withFileLock, withFileRefreshLock } from "./file-lock.ts";
export { InsecureTokenFolderWarning } from "./file-security.ts";
export { JSONTokenStorage, type JSONTokenStorageOptions } from "./json.ts";
export { MemoryTokenStorage } from "./memory.ts";
export { defaultGlobusAppTokenPath, type PathEnvironment, slugifyAppName } from "./paths.ts";
export {
  SQLITE_SCHEMA_VERSION,
  SQLiteTokenStorage,
  type SQLiteTokenStorageOptions,
} from "./sqlite.ts";
export { pythonJsonDumps, TOKEN_DATA_FIELDS } from "./token-data.ts";
export type {
  GlobusAppStorageContext,
  IdTokenClaims,
  RefreshLockOptions,
  TokenData,
  TokenResponseLike,
  TokenStorage,
  TokenStorageProvider,
} from "./types.ts";
export {
  ValidatingTokenStorage,
  type ValidatingTokenStorageOptions,
} from "./validating.ts";
export {
  type GetValidTokenDataOptions,
  HasRefreshTokensValidator,
  NotExpiredValidator,
  type ScopeRequirements,
  ScopeRequirementsValidator,
  type TokenDataValidator,
  type TokenValidationContext,
  UnchangingIdentityValidator,
  UsableTokenValidator,
} from "./validators.ts";
