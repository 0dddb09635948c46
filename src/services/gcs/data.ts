/**
 * Payload builders for the GCS Manager API: collection, storage gateway (and its
 * per-connector policies), user credential, role and endpoint documents. Options are
 * camelCase; the documents carry GCS's own snake_case keys. An option left undefined is
 * left out of the document, and `null` is sent as `null` (to clear a field on update).
 */

/** A list option: one string or several (a lone string is a one-item list, not its letters). */
export type StringList = string | Iterable<string>;

/** What every builder accepts besides its own options. */
interface PayloadOptions {
  /** More fields, sent as given (fields this SDK does not know yet). */
  additionalFields?: Record<string, unknown>;
}

function listOf(value: unknown): unknown {
  if (value === undefined || value === null || Array.isArray(value)) return value;
  if (typeof value === "string") return [value];
  if (typeof value === "object" && Symbol.iterator in value) {
    return [...(value as Iterable<unknown>)];
  }
  return value;
}

/** `collectionBasePath` -> `collection_base_path`, `s3Endpoint` -> `s3_endpoint`. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** How one builder names and shapes its fields. */
interface FieldRules {
  /** Options whose value is a list of strings. */
  lists?: readonly string[];
  /** Options whose wire name is not their snake_case form. */
  renames?: Readonly<Record<string, string>>;
}

/**
 * The base of the GCS payload builders: a JSON document of wire fields. Read and change it
 * with `get`/`set`; `JSON.stringify` (and every client method) sends `toJSON()`.
 */
export abstract class GCSPayload {
  readonly #fields: Record<string, unknown> = {};

  protected constructor(
    fixed: Record<string, unknown>,
    options: PayloadOptions & object,
    rules: FieldRules = {},
  ) {
    const lists = new Set(rules.lists ?? []);
    for (const [key, value] of Object.entries(fixed)) this.set(key, value);
    for (const [option, value] of Object.entries(options)) {
      if (option === "additionalFields" || option === "dataType") continue;
      const key = rules.renames?.[option] ?? snakeCase(option);
      this.set(key, lists.has(option) ? listOf(value) : value);
    }
    for (const [key, value] of Object.entries(options.additionalFields ?? {})) this.set(key, value);
  }

  /** A field of the document, by its wire name. */
  get(key: string): unknown {
    return this.#fields[key];
  }

  /** Sets a field by its wire name; undefined removes it. */
  set(key: string, value: unknown): this {
    if (value === undefined) delete this.#fields[key];
    else this.#fields[key] = value;
    return this;
  }

  /** The document as GCS takes it. */
  toJSON(): Record<string, unknown> {
    return { ...this.#fields };
  }
}

type Version = readonly [number, number, number];

/**
 * The document's `DATA_TYPE`: the version the newest field present needs, so that older
 * GCS releases accept documents that use only old fields.
 */
function deduceDataType(
  payload: GCSPayload,
  base: string,
  implications: Readonly<Record<string, Version>>,
  extra: Version | undefined = undefined,
): string {
  let best: Version = [1, 0, 0];
  const newer = (v: Version) =>
    v[0] !== best[0] ? v[0] > best[0] : v[1] !== best[1] ? v[1] > best[1] : v[2] > best[2];
  for (const [field, version] of Object.entries(implications)) {
    if (payload.get(field) !== undefined && newer(version)) best = version;
  }
  if (extra && newer(extra)) best = extra;
  return `${base}#${best.join(".")}`;
}

/** Sets `DATA_TYPE`: the one given, or the deduced one. */
function ensureDataType(
  payload: GCSPayload,
  given: string | undefined,
  base: string,
  implications: Readonly<Record<string, Version>>,
  extra?: Version,
): void {
  payload.set(
    "DATA_TYPE",
    given ??
      (payload.get("DATA_TYPE") as string | undefined) ??
      deduceDataType(payload, base, implications, extra),
  );
}

// ---------------------------------------------------------------------------------------
// Collections

/** The collection fields that first appeared in a later `collection#` version. */
const COLLECTION_VERSIONS: Record<string, Version> = {
  associated_flow_policy: [1, 15, 0],
  activity_notification_policy: [1, 14, 0],
  auto_delete_timeout: [1, 13, 0],
  skip_auto_delete: [1, 13, 0],
  restrict_transfers_to_high_assurance: [1, 12, 0],
  acl_expiration_mins: [1, 10, 0],
  delete_protected: [1, 8, 0],
  guest_auth_policy_id: [1, 6, 0],
  disable_anonymous_writes: [1, 5, 0],
  force_verify: [1, 4, 0],
  sharing_users_allow: [1, 2, 0],
  sharing_users_deny: [1, 2, 0],
  enable_https: [1, 1, 0],
  user_message: [1, 1, 0],
  user_message_link: [1, 1, 0],
};

/** Options shared by mapped and guest collection documents. */
export interface CollectionDocumentOptions extends PayloadOptions {
  /** Sets `DATA_TYPE` instead of deducing it from the fields present (rarely needed). */
  dataType?: string;
  /** Where the collection sits: absolute on the storage (mapped), or below the mapped collection's root (guest). Required to create. */
  collectionBasePath?: string;
  contactEmail?: string | null;
  contactInfo?: string | null;
  defaultDirectory?: string;
  department?: string | null;
  description?: string | null;
  displayName?: string;
  /** The Globus Auth identity that owns the collection. */
  identityId?: string;
  infoLink?: string | null;
  organization?: string;
  /** Transfers of this direction may involve only high-assurance collections. */
  restrictTransfersToHighAssurance?: "inbound" | "outbound" | "all";
  userMessage?: string | null;
  userMessageLink?: string | null;
  keywords?: StringList;
  disableVerify?: boolean;
  enableHttps?: boolean;
  forceEncryption?: boolean;
  forceVerify?: boolean;
  /** Visible to every Globus user. */
  public?: boolean;
  /** How long guest collection permissions last (high-assurance collections). */
  aclExpirationMins?: number;
  /** Flows to run when the collection is used. */
  associatedFlowPolicy?: Record<string, unknown>;
}

/** Options of a mapped collection document. */
export interface MappedCollectionDocumentOptions extends CollectionDocumentOptions {
  domainName?: string;
  /** An Auth policy that the mapped collection's guest collections inherit. */
  guestAuthPolicyId?: string | null;
  /** The storage gateway the collection is on. Required to create. */
  storageGatewayId?: string;
  /** Local usernames that may (or may not) create guest collections. */
  sharingUsersAllow?: StringList | null;
  sharingUsersDeny?: StringList | null;
  /** A `path_restrictions` document for guest collections. */
  sharingRestrictPaths?: Record<string, unknown> | null;
  /** Refuse deletion until turned off (GCS defaults it to true on creation). */
  deleteProtected?: boolean;
  allowGuestCollections?: boolean;
  disableAnonymousWrites?: boolean;
  /** Delete guest collections unused for this many days. */
  autoDeleteTimeout?: number;
  /** Connector-specific collection policies (`POSIXCollectionPolicies`, ...). */
  policies?: CollectionPolicies | Record<string, unknown>;
}

/** Options of a guest collection document. */
export interface GuestCollectionDocumentOptions extends CollectionDocumentOptions {
  /** The mapped collection it shares. Required to create. */
  mappedCollectionId?: string;
  /** The owner's user credential on the storage gateway. Required to create. */
  userCredentialId?: string;
  /** Exempt from the mapped collection's automatic deletion. */
  skipAutoDelete?: boolean;
  /** Who gets mail when a transfer task ends (`status`, `transfer_use`). */
  activityNotificationPolicy?: Record<string, string[]>;
}

const COLLECTION_LISTS = ["keywords", "sharingUsersAllow", "sharingUsersDeny"] as const;

/** The part of a collection document both kinds share; build one with a subclass. */
export abstract class CollectionDocument extends GCSPayload {
  /** `mapped` or `guest`. */
  abstract readonly collectionType: "mapped" | "guest";

  protected constructor(collectionType: "mapped" | "guest", options: CollectionDocumentOptions) {
    super({ collection_type: collectionType }, options, { lists: COLLECTION_LISTS });
    // a long user message needs collection#1.7.0
    const message = this.get("user_message");
    const extra: Version | undefined =
      typeof message === "string" && message.length > 64 ? [1, 7, 0] : undefined;
    ensureDataType(this, options.dataType, "collection", COLLECTION_VERSIONS, extra);
  }
}

/**
 * A mapped collection, for `createCollection` or `updateCollection`. Creating one needs
 * `storageGatewayId` and `collectionBasePath` (and an endpoint administrator or owner role).
 */
export class MappedCollectionDocument extends CollectionDocument {
  readonly collectionType = "mapped" as const;
  constructor(options: MappedCollectionDocumentOptions = {}) {
    super("mapped", options);
  }
}

/**
 * A guest collection, for `createCollection` or `updateCollection`. Creating one needs
 * `mappedCollectionId`, `userCredentialId` and `collectionBasePath`, and an identity the
 * storage gateway allows.
 */
export class GuestCollectionDocument extends CollectionDocument {
  readonly collectionType = "guest" as const;
  constructor(options: GuestCollectionDocumentOptions = {}) {
    super("guest", options);
  }
}

/** Connector-specific collection policies, for a mapped collection's `policies`. */
export abstract class CollectionPolicies extends GCSPayload {}

/** Options of the POSIX (and POSIX staging) collection policies. */
export interface POSIXCollectionPoliciesOptions extends PayloadOptions {
  /** The document's type; defaults to this class's. */
  DATA_TYPE?: string;
  /** POSIX groups that may (or may not) create guest collections. */
  sharingGroupsAllow?: StringList | null;
  sharingGroupsDeny?: StringList | null;
}

const SHARING_GROUPS = { lists: ["sharingGroupsAllow", "sharingGroupsDeny"] } as const;

/** POSIX collection policies: which POSIX groups may share. */
export class POSIXCollectionPolicies extends CollectionPolicies {
  constructor(options: POSIXCollectionPoliciesOptions = {}) {
    const { DATA_TYPE = "posix_collection_policies#1.0.0", ...rest } = options;
    super({ DATA_TYPE }, rest, SHARING_GROUPS);
  }
}

/** POSIX staging collection policies: which POSIX groups may share. */
export class POSIXStagingCollectionPolicies extends CollectionPolicies {
  constructor(options: POSIXCollectionPoliciesOptions = {}) {
    const { DATA_TYPE = "posix_staging_collection_policies#1.0.0", ...rest } = options;
    super({ DATA_TYPE }, rest, SHARING_GROUPS);
  }
}

/** Google Cloud Storage collection policies: the project the collection uses. */
export class GoogleCloudStorageCollectionPolicies extends CollectionPolicies {
  constructor(options: PayloadOptions & { DATA_TYPE?: string; project?: string } = {}) {
    const { DATA_TYPE = "google_cloud_storage_collection_policies#1.0.0", ...rest } = options;
    super({ DATA_TYPE }, rest);
  }
}

// ---------------------------------------------------------------------------------------
// Storage gateways

/** Options of a storage gateway document. */
export interface StorageGatewayDocumentOptions extends PayloadOptions {
  /** The document's type; deduced from the fields present when left out. */
  DATA_TYPE?: string;
  displayName?: string;
  /** The connector (storage type); see `ConnectorTable`. */
  connectorId?: string;
  root?: string;
  /** How identities map to local accounts. */
  identityMappings?: Iterable<Record<string, unknown>>;
  /** Connector-specific policies (`POSIXStoragePolicies`, `S3StoragePolicies`, ...). */
  policies?: StorageGatewayPolicies | Record<string, unknown>;
  /** Identities from these domains may create credentials and collections (and use them). */
  allowedDomains?: StringList;
  highAssurance?: boolean;
  /** Needs `storage_gateway#1.1.0`, and a high-assurance gateway. */
  requireMfa?: boolean;
  authenticationTimeoutMins?: number;
  /** Local usernames allowed (or denied) access. */
  usersAllow?: StringList;
  usersDeny?: StringList;
}

/** A storage gateway, for `createStorageGateway` or `updateStorageGateway`. */
export class StorageGatewayDocument extends GCSPayload {
  constructor(options: StorageGatewayDocumentOptions = {}) {
    const { DATA_TYPE, identityMappings, ...rest } = options;
    const fields: StorageGatewayDocumentOptions = {
      ...rest,
      identityMappings: identityMappings === undefined ? undefined : [...identityMappings],
    };
    super({}, fields, { lists: ["allowedDomains", "usersAllow", "usersDeny"] });
    ensureDataType(this, DATA_TYPE, "storage_gateway", { require_mfa: [1, 1, 0] });
  }
}

/** Connector-specific storage gateway policies, for a storage gateway's `policies`. */
export abstract class StorageGatewayPolicies extends GCSPayload {
  protected constructor(
    dataType: string,
    options: PayloadOptions & { DATA_TYPE?: string } & object,
    rules?: FieldRules,
  ) {
    const { DATA_TYPE = dataType, ...rest } = options;
    super({ DATA_TYPE }, rest, rules);
  }
}

/** Options every policies builder accepts. */
interface PoliciesOptions extends PayloadOptions {
  /** The document's type; defaults to this class's. */
  DATA_TYPE?: string;
}

/** Options of POSIX storage policies. */
export interface POSIXStoragePoliciesOptions extends PoliciesOptions {
  /** POSIX groups allowed (or denied) access. */
  groupsAllow?: StringList;
  groupsDeny?: StringList;
}

const GROUPS = { lists: ["groupsAllow", "groupsDeny"] } as const;

/** POSIX storage policies. */
export class POSIXStoragePolicies extends StorageGatewayPolicies {
  constructor(options: POSIXStoragePoliciesOptions = {}) {
    super("posix_storage_policies#1.0.0", options, GROUPS);
  }
}

/** Options of POSIX staging storage policies. */
export interface POSIXStagingStoragePoliciesOptions extends POSIXStoragePoliciesOptions {
  /** The program that stages files in. */
  stageApp?: string;
  /** Variables set for `stageApp`: `{ name, value }` entries. */
  environment?: Iterable<Record<string, string>>;
}

/** POSIX staging storage policies. */
export class POSIXStagingStoragePolicies extends StorageGatewayPolicies {
  constructor(options: POSIXStagingStoragePoliciesOptions = {}) {
    const { environment, ...rest } = options;
    // copies, so that later changes to the caller's entries do not reach the document
    const fields: POSIXStagingStoragePoliciesOptions = {
      ...rest,
      environment:
        environment === undefined ? undefined : [...environment].map((entry) => ({ ...entry })),
    };
    super("posix_staging_storage_policies#1.0.0", fields, GROUPS);
  }
}

/** BlackPearl storage policies. */
export class BlackPearlStoragePolicies extends StorageGatewayPolicies {
  constructor(options: PoliciesOptions & { s3Endpoint?: string; bpAccessIdFile?: string } = {}) {
    super("blackpearl_storage_policies#1.0.0", options);
  }
}

/** Box storage policies; Box names its fields in camelCase on the wire. */
export class BoxStoragePolicies extends StorageGatewayPolicies {
  constructor(
    options: PoliciesOptions & {
      enterpriseID?: string;
      boxAppSettings?: Record<string, unknown>;
    } = {},
  ) {
    super("box_storage_policies#1.0.0", options, {
      renames: { enterpriseID: "enterpriseID", boxAppSettings: "boxAppSettings" },
    });
  }
}

/** Ceph storage policies. */
export class CephStoragePolicies extends StorageGatewayPolicies {
  constructor(
    options: PoliciesOptions & {
      s3Endpoint?: string;
      s3Buckets?: StringList;
      cephAdminKeyId?: string;
      cephAdminSecretKey?: string;
    } = {},
  ) {
    super("ceph_storage_policies#1.0.0", options, { lists: ["s3Buckets"] });
  }
}

/** Google Drive storage policies. */
export class GoogleDriveStoragePolicies extends StorageGatewayPolicies {
  constructor(
    options: PoliciesOptions & {
      clientId?: string;
      secret?: string;
      userApiRateQuota?: number;
    } = {},
  ) {
    super("google_drive_storage_policies#1.0.0", options);
  }
}

/** Google Cloud Storage policies. */
export class GoogleCloudStoragePolicies extends StorageGatewayPolicies {
  constructor(
    options: PoliciesOptions & {
      clientId?: string;
      secret?: string;
      serviceAccountKey?: Record<string, unknown>;
      /** Buckets the gateway may use (and lists at its root). */
      buckets?: StringList;
      projects?: StringList;
    } = {},
  ) {
    super("google_cloud_storage_policies#1.0.0", options, { lists: ["buckets", "projects"] });
  }
}

/** OneDrive storage policies. */
export class OneDriveStoragePolicies extends StorageGatewayPolicies {
  constructor(
    options: PoliciesOptions & {
      clientId?: string;
      secret?: string;
      tenant?: string;
      userApiRateLimit?: number;
    } = {},
  ) {
    super("onedrive_storage_policies#1.0.0", options);
  }
}

/** Azure Blob storage policies. */
export class AzureBlobStoragePolicies extends StorageGatewayPolicies {
  constructor(
    options: PoliciesOptions & {
      clientId?: string;
      secret?: string;
      tenant?: string;
      account?: string;
      /** `user`, `service_principal` or `user_service_principal`. */
      authType?: string;
      adls?: boolean;
    } = {},
  ) {
    super("azure_blob_storage_policies#1.0.0", options);
  }
}

/** Options of S3 (and ActiveScale) storage policies. */
export interface S3StoragePoliciesOptions extends PoliciesOptions {
  s3Endpoint?: string;
  /** Buckets shown at the root of collections at the gateway's base. */
  s3Buckets?: StringList;
  /** Users must register a credential before creating a guest collection. */
  s3UserCredentialRequired?: boolean;
}

/** S3 storage policies. */
export class S3StoragePolicies extends StorageGatewayPolicies {
  constructor(options: S3StoragePoliciesOptions = {}) {
    super("s3_storage_policies#1.0.0", options, { lists: ["s3Buckets"] });
  }
}

/** ActiveScale storage policies: S3's, with S3's `DATA_TYPE`. */
export class ActiveScaleStoragePolicies extends S3StoragePolicies {}

/** iRODS storage policies. */
export class IrodsStoragePolicies extends StorageGatewayPolicies {
  constructor(
    options: PoliciesOptions & {
      irodsEnvironmentFile?: string;
      irodsAuthenticationFile?: string;
    } = {},
  ) {
    super("irods_storage_policies#1.0.0", options);
  }
}

/** HPSS storage policies. */
export class HPSSStoragePolicies extends StorageGatewayPolicies {
  constructor(
    options: PoliciesOptions & {
      authenticationMech?: string;
      authenticator?: string;
      /** Store checksums in HPSS metadata. */
      udaChecksumSupport?: boolean;
    } = {},
  ) {
    super("hpss_storage_policies#1.0.0", options);
  }
}

// ---------------------------------------------------------------------------------------
// User credentials, roles, the endpoint

/** Options of a user credential document. */
export interface UserCredentialDocumentOptions extends PayloadOptions {
  /** The document's type; defaults to `user_credential#1.0.0`. */
  DATA_TYPE?: string;
  /** The Globus identity the credential gives access for. */
  identityId?: string;
  connectorId?: string;
  /** The local account, in the connector's format. */
  username?: string;
  displayName?: string;
  storageGatewayId?: string;
  /** Connector-specific credential policies (S3 keys, ...). */
  policies?: Record<string, unknown>;
}

/** A user credential, for `createUserCredential` or `updateUserCredential`. */
export class UserCredentialDocument extends GCSPayload {
  constructor(options: UserCredentialDocumentOptions = {}) {
    const { DATA_TYPE = "user_credential#1.0.0", ...rest } = options;
    super({ DATA_TYPE }, rest);
  }
}

/** Options of a role document. */
export interface GCSRoleDocumentOptions extends PayloadOptions {
  /** The document's type; defaults to `role#1.0.0`. */
  DATA_TYPE?: string;
  /** The collection the role is on; leave out for an endpoint role. */
  collection?: string;
  /** `urn:globus:auth:identity:<id>` or `urn:globus:groups:id:<id>`. */
  principal?: string;
  /** `owner`, `administrator`, `access_manager`, `activity_manager` or `activity_monitor`. */
  role?: string;
}

/** A role, for `createRole`. */
export class GCSRoleDocument extends GCSPayload {
  constructor(options: GCSRoleDocumentOptions = {}) {
    const { DATA_TYPE = "role#1.0.0", ...rest } = options;
    super({ DATA_TYPE }, rest);
  }
}

/** Options of an endpoint document. */
export interface EndpointDocumentOptions extends PayloadOptions {
  /** Sets `DATA_TYPE` instead of deducing it (rarely needed). */
  dataType?: string;
  contactEmail?: string;
  contactInfo?: string;
  department?: string;
  description?: string;
  displayName?: string;
  infoLink?: string;
  /** `custom` also needs the four concurrency and parallelism values. */
  networkUse?: "normal" | "minimal" | "aggressive" | "custom";
  organization?: string;
  /** A subscription id, `DEFAULT` for the caller's default one, or null to leave it. */
  subscriptionId?: string | null;
  keywords?: StringList;
  allowUdt?: boolean;
  public?: boolean;
  maxConcurrency?: number;
  maxParallelism?: number;
  preferredConcurrency?: number;
  preferredParallelism?: number;
  /** Needs `endpoint#1.1.0`. */
  gridftpControlChannelPort?: number | null;
}

/** The endpoint's writable fields, for `updateEndpoint`. */
export class EndpointDocument extends GCSPayload {
  constructor(options: EndpointDocumentOptions = {}) {
    super({}, options, { lists: ["keywords"] });
    ensureDataType(this, options.dataType, "endpoint", { gridftp_control_channel_port: [1, 1, 0] });
  }
}
