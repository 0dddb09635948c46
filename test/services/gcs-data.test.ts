/**
 * The GCS payload builders and the connector table, against the Python SDK 4.9's
 * `services/gcs/data/` and `connector_table.py`: the keys each document gets, the
 * `DATA_TYPE` versions deduced from the fields present, lists from lone strings, `null`
 * kept and undefined left out.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ActiveScaleStoragePolicies,
  AzureBlobStoragePolicies,
  BlackPearlStoragePolicies,
  BoxStoragePolicies,
  CephStoragePolicies,
  ConnectorTable,
  EndpointDocument,
  GCSRoleDocument,
  GoogleCloudStorageCollectionPolicies,
  GoogleCloudStoragePolicies,
  GoogleDriveStoragePolicies,
  GuestCollectionDocument,
  HPSSStoragePolicies,
  IrodsStoragePolicies,
  MappedCollectionDocument,
  OneDriveStoragePolicies,
  POSIXStagingCollectionPolicies,
  POSIXStagingStoragePolicies,
  S3StoragePolicies,
  StorageGatewayDocument,
  UserCredentialDocument,
} from "../../src/index.ts";

describe("collection documents", () => {
  test("a mapped collection: snake_case keys, lists, nulls, and collection#1.0.0", () => {
    const doc = new MappedCollectionDocument({
      storageGatewayId: "82247cc9-3208-4d71-bd7f-1b8798c95e6b",
      collectionBasePath: "/data",
      displayName: "Data",
      contactEmail: null,
      keywords: "physics",
      sharingUsersAllow: new Set(["alice", "bob"]),
      public: true,
    });
    assert.deepEqual(doc.toJSON(), {
      DATA_TYPE: "collection#1.2.0", // sharing_users_allow came with 1.2.0
      collection_type: "mapped",
      storage_gateway_id: "82247cc9-3208-4d71-bd7f-1b8798c95e6b",
      collection_base_path: "/data",
      display_name: "Data",
      contact_email: null,
      keywords: ["physics"],
      sharing_users_allow: ["alice", "bob"],
      public: true,
    });
    assert.equal(new MappedCollectionDocument().toJSON().DATA_TYPE, "collection#1.0.0");
  });

  test("the DATA_TYPE follows the newest field, a long user message, or is given", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ enableHttps: true }, "collection#1.1.0"],
      [{ userMessage: "short" }, "collection#1.1.0"],
      [{ userMessage: "x".repeat(65) }, "collection#1.7.0"],
      [{ forceVerify: true, deleteProtected: true }, "collection#1.8.0"],
      [{ aclExpirationMins: 60 }, "collection#1.10.0"],
      [{ restrictTransfersToHighAssurance: "all" }, "collection#1.12.0"],
      [{ autoDeleteTimeout: 30 }, "collection#1.13.0"],
      [{ associatedFlowPolicy: {} }, "collection#1.15.0"],
      [{ guestAuthPolicyId: null }, "collection#1.6.0"],
      [{ dataType: "collection#1.3.0", associatedFlowPolicy: {} }, "collection#1.3.0"],
      [{ additionalFields: { auto_delete_timeout: 1 } }, "collection#1.13.0"],
    ];
    for (const [options, expected] of cases) {
      assert.equal(
        new MappedCollectionDocument(options).get("DATA_TYPE"),
        expected,
        JSON.stringify(options),
      );
    }
    assert.equal(
      new GuestCollectionDocument({ activityNotificationPolicy: { status: ["FAILED"] } }).get(
        "DATA_TYPE",
      ),
      "collection#1.14.0",
    );
    assert.equal(
      new GuestCollectionDocument({ skipAutoDelete: true }).get("DATA_TYPE"),
      "collection#1.13.0",
    );
  });

  test("a guest collection, and extra fields", () => {
    const doc = new GuestCollectionDocument({
      mappedCollectionId: "a0cbde58-0183-11ea-92bd-9cb6d0d9fd63",
      userCredentialId: "af43d884-64a1-4414-897a-680c32374439",
      collectionBasePath: "/share",
      displayName: undefined,
      additionalFields: { future_field: 1 },
    });
    assert.deepEqual(doc.toJSON(), {
      DATA_TYPE: "collection#1.0.0",
      collection_type: "guest",
      mapped_collection_id: "a0cbde58-0183-11ea-92bd-9cb6d0d9fd63",
      user_credential_id: "af43d884-64a1-4414-897a-680c32374439",
      collection_base_path: "/share",
      future_field: 1,
    });
    assert.equal(doc.collectionType, "guest");
    assert.equal(JSON.stringify(doc), JSON.stringify(doc.toJSON()));
    doc.set("display_name", "Share").set("future_field", undefined);
    assert.equal(doc.get("display_name"), "Share");
    assert.equal("future_field" in doc.toJSON(), false);
  });

  test("collection policies", () => {
    assert.deepEqual(new POSIXStagingCollectionPolicies({ sharingGroupsDeny: "nobody" }).toJSON(), {
      DATA_TYPE: "posix_staging_collection_policies#1.0.0",
      sharing_groups_deny: ["nobody"],
    });
    assert.deepEqual(new GoogleCloudStorageCollectionPolicies({ project: "p" }).toJSON(), {
      DATA_TYPE: "google_cloud_storage_collection_policies#1.0.0",
      project: "p",
    });
  });
});

describe("storage gateway documents and policies", () => {
  test("a gateway: lists, identity mappings copied, storage_gateway#1.1.0 with require_mfa", () => {
    const mappings = [{ DATA_TYPE: "expression_identity_mapping#1.0.0", mappings: [] }];
    const doc = new StorageGatewayDocument({
      displayName: "S3",
      connectorId: ConnectorTable.S3.connectorId,
      allowedDomains: "example.edu",
      usersDeny: ["root"],
      identityMappings: mappings,
      requireMfa: true,
      highAssurance: true,
      authenticationTimeoutMins: 30,
      root: "/",
    });
    assert.deepEqual(doc.toJSON(), {
      DATA_TYPE: "storage_gateway#1.1.0",
      display_name: "S3",
      connector_id: "7643e831-5f6c-4b47-a07f-8ee90f401d23",
      allowed_domains: ["example.edu"],
      users_deny: ["root"],
      identity_mappings: mappings,
      require_mfa: true,
      high_assurance: true,
      authentication_timeout_mins: 30,
      root: "/",
    });
    assert.notEqual(doc.get("identity_mappings"), mappings, "a copy of the caller's list");
    assert.equal(
      new StorageGatewayDocument({ DATA_TYPE: "storage_gateway#1.2.0" }).get("DATA_TYPE"),
      "storage_gateway#1.2.0",
    );
  });

  test("each connector's policies carry their DATA_TYPE and wire names", () => {
    const cases: Array<[{ toJSON(): Record<string, unknown> }, Record<string, unknown>]> = [
      [
        new POSIXStagingStoragePolicies({
          stageApp: "/bin/stage",
          environment: [{ name: "A", value: "1" }],
        }),
        {
          DATA_TYPE: "posix_staging_storage_policies#1.0.0",
          stage_app: "/bin/stage",
          environment: [{ name: "A", value: "1" }],
        },
      ],
      [
        new BlackPearlStoragePolicies({ s3Endpoint: "https://bp", bpAccessIdFile: "/etc/bp" }),
        {
          DATA_TYPE: "blackpearl_storage_policies#1.0.0",
          s3_endpoint: "https://bp",
          bp_access_id_file: "/etc/bp",
        },
      ],
      [
        new BoxStoragePolicies({ enterpriseID: "e1", boxAppSettings: { clientID: "c" } }),
        {
          DATA_TYPE: "box_storage_policies#1.0.0",
          enterpriseID: "e1",
          boxAppSettings: { clientID: "c" },
        },
      ],
      [
        new CephStoragePolicies({ s3Buckets: "b", cephAdminKeyId: "k", cephAdminSecretKey: "s" }),
        {
          DATA_TYPE: "ceph_storage_policies#1.0.0",
          s3_buckets: ["b"],
          ceph_admin_key_id: "k",
          ceph_admin_secret_key: "s",
        },
      ],
      [
        new GoogleDriveStoragePolicies({ clientId: "c", secret: "s", userApiRateQuota: 10 }),
        {
          DATA_TYPE: "google_drive_storage_policies#1.0.0",
          client_id: "c",
          secret: "s",
          user_api_rate_quota: 10,
        },
      ],
      [
        new GoogleCloudStoragePolicies({ buckets: ["a"], projects: "p", serviceAccountKey: {} }),
        {
          DATA_TYPE: "google_cloud_storage_policies#1.0.0",
          buckets: ["a"],
          projects: ["p"],
          service_account_key: {},
        },
      ],
      [
        new OneDriveStoragePolicies({ tenant: "t", userApiRateLimit: 5 }),
        { DATA_TYPE: "onedrive_storage_policies#1.0.0", tenant: "t", user_api_rate_limit: 5 },
      ],
      [
        new AzureBlobStoragePolicies({ account: "a", authType: "user", adls: true }),
        {
          DATA_TYPE: "azure_blob_storage_policies#1.0.0",
          account: "a",
          auth_type: "user",
          adls: true,
        },
      ],
      [
        new S3StoragePolicies({ s3Endpoint: "https://s3", s3UserCredentialRequired: true }),
        {
          DATA_TYPE: "s3_storage_policies#1.0.0",
          s3_endpoint: "https://s3",
          s3_user_credential_required: true,
        },
      ],
      [new ActiveScaleStoragePolicies(), { DATA_TYPE: "s3_storage_policies#1.0.0" }],
      [
        new IrodsStoragePolicies({ irodsEnvironmentFile: "/e", irodsAuthenticationFile: "/a" }),
        {
          DATA_TYPE: "irods_storage_policies#1.0.0",
          irods_environment_file: "/e",
          irods_authentication_file: "/a",
        },
      ],
      [
        new HPSSStoragePolicies({ authenticationMech: "unix", udaChecksumSupport: false }),
        {
          DATA_TYPE: "hpss_storage_policies#1.0.0",
          authentication_mech: "unix",
          uda_checksum_support: false,
        },
      ],
    ];
    for (const [policies, expected] of cases) assert.deepEqual(policies.toJSON(), expected);
  });
});

describe("user credential, role and endpoint documents", () => {
  test("their default DATA_TYPEs and keys", () => {
    assert.deepEqual(
      new UserCredentialDocument({ username: "u", policies: { DATA_TYPE: "x" } }).toJSON(),
      { DATA_TYPE: "user_credential#1.0.0", username: "u", policies: { DATA_TYPE: "x" } },
    );
    assert.deepEqual(new GCSRoleDocument({ principal: "urn:x", role: "owner" }).toJSON(), {
      DATA_TYPE: "role#1.0.0",
      principal: "urn:x",
      role: "owner",
    });
    assert.deepEqual(new EndpointDocument({ subscriptionId: null, allowUdt: false }).toJSON(), {
      DATA_TYPE: "endpoint#1.0.0",
      subscription_id: null,
      allow_udt: false,
    });
  });
});

describe("ConnectorTable", () => {
  test("known connectors, and lookup by id or by name in any spelling", () => {
    assert.equal(ConnectorTable.POSIX.connectorId, "145812c8-decc-41f1-83cf-bb2a85a2a70b");
    assert.equal(ConnectorTable.allConnectors().length, 14);
    for (const name of ["Google Drive", "google-drive", "gOOgle_dRiVe", " google  drive "]) {
      assert.equal(ConnectorTable.lookup(name), ConnectorTable.GOOGLE_DRIVE, name);
    }
    assert.equal(
      ConnectorTable.lookup("9436da0c-a444-11eb-af93-12704e0d6a4d"),
      ConnectorTable.AZURE_BLOB,
    );
    assert.equal(ConnectorTable.lookup("Star Trek Transporter"), undefined);
  });

  test("extend adds a connector to a new table, leaving the original as it was", () => {
    const Extended = ConnectorTable.extend({
      connectorName: "Star Trek Transporter",
      connectorId: "0b19772d-729a-4c8f-93e1-59d5778cecf3",
    });
    assert.deepEqual(Extended.STAR_TREK_TRANSPORTER, {
      name: "Star Trek Transporter",
      connectorId: "0b19772d-729a-4c8f-93e1-59d5778cecf3",
    });
    assert.equal(Extended.lookup("star-trek-transporter"), Extended.STAR_TREK_TRANSPORTER);
    assert.equal(Extended.POSIX, ConnectorTable.POSIX);
    assert.equal(Extended.allConnectors().length, 15);
    assert.equal(ConnectorTable.lookup("star trek transporter"), undefined);
    const named = ConnectorTable.extend({
      connectorName: "Warp",
      connectorId: "11111111-2222-4333-8444-555555555555",
      attributeName: "WARP_DRIVE",
    });
    assert.equal(named.WARP_DRIVE.name, "Warp");
  });
});
