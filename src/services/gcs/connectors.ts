/** One Globus Connect Server connector (storage type): its name and its id. */
export interface GlobusConnectServerConnector {
  readonly name: string;
  readonly connectorId: string;
}

/** Names compare without case, and spaces, dashes and underscores all count as one `-`. */
function normalise(name: string): string {
  return name
    .trim()
    .replace(/[_\- ]+/g, "-")
    .toLowerCase();
}

/** The connectors every GCS 5.4 endpoint knows, by the attribute name the table gives them. */
const KNOWN_CONNECTORS = {
  ACTIVESCALE: { name: "ActiveScale", connectorId: "7251f6c8-93c9-11eb-95ba-12704e0d6a4d" },
  AZURE_BLOB: { name: "Azure Blob", connectorId: "9436da0c-a444-11eb-af93-12704e0d6a4d" },
  BLACKPEARL: { name: "BlackPearl", connectorId: "7e3f3f5e-350c-4717-891a-2f451c24b0d4" },
  BOX: { name: "Box", connectorId: "7c100eae-40fe-11e9-95a3-9cb6d0d9fd63" },
  CEPH: { name: "Ceph", connectorId: "1b6374b0-f6a4-4cf7-a26f-f262d9c6ca72" },
  DROPBOX: { name: "Dropbox", connectorId: "49b00fd6-63f1-48ae-b27f-d8af4589f876" },
  GOOGLE_CLOUD_STORAGE: {
    name: "Google Cloud Storage",
    connectorId: "56366b96-ac98-11e9-abac-9cb6d0d9fd63",
  },
  GOOGLE_DRIVE: { name: "Google Drive", connectorId: "976cf0cf-78c3-4aab-82d2-7c16adbcc281" },
  HPSS: { name: "HPSS", connectorId: "fb656a17-0f69-4e59-95ff-d0a62ca7bdf5" },
  IRODS: { name: "iRODS", connectorId: "e47b6920-ff57-11ea-8aaa-000c297ab3c2" },
  POSIX: { name: "POSIX", connectorId: "145812c8-decc-41f1-83cf-bb2a85a2a70b" },
  POSIX_STAGING: { name: "POSIX Staging", connectorId: "052be037-7dda-4d20-b163-3077314dc3e6" },
  ONEDRIVE: { name: "OneDrive", connectorId: "28ef55da-1f97-11eb-bdfd-12704e0d6a4d" },
  S3: { name: "S3", connectorId: "7643e831-5f6c-4b47-a07f-8ee90f401d23" },
} as const satisfies Record<string, GlobusConnectServerConnector>;

/**
 * A table of GCS connectors: the known ones as properties (`ConnectorTable.POSIX`), lookup
 * by name or id, and `extend()` for connectors this SDK does not know yet. Storage gateway
 * and user credential documents name their connector by id; the table turns names into ids
 * and back.
 */
export type ConnectorTable<Names extends string = keyof typeof KNOWN_CONNECTORS> = Readonly<
  Record<Names, GlobusConnectServerConnector>
> & {
  /** Every connector of the table. */
  allConnectors(): GlobusConnectServerConnector[];
  /**
   * The connector with this name or id, or undefined. Names match without regard to case,
   * and `Google Drive`, `google-drive` and `google_drive` are one name.
   */
  lookup(nameOrId: string): GlobusConnectServerConnector | undefined;
  /**
   * A new table with one more connector, as a property named `attributeName` (by default
   * the name upper-cased, spaces as underscores). This table is left unchanged.
   */
  extend<Added extends string = string>(options: {
    connectorName: string;
    connectorId: string;
    attributeName?: Added;
  }): ConnectorTable<Names | Added>;
};

function tableOf<Names extends string>(
  entries: Readonly<Record<Names, GlobusConnectServerConnector>>,
): ConnectorTable<Names> {
  const connectors = (): GlobusConnectServerConnector[] => Object.values(entries);
  return Object.freeze({
    ...entries,
    allConnectors: connectors,
    lookup(nameOrId: string) {
      const wanted = normalise(String(nameOrId));
      return connectors().find(
        (connector) => connector.connectorId === wanted || normalise(connector.name) === wanted,
      );
    },
    extend<Added extends string = string>(options: {
      connectorName: string;
      connectorId: string;
      attributeName?: Added;
    }) {
      const attribute =
        options.attributeName ?? options.connectorName.toUpperCase().replaceAll(" ", "_");
      const added = { name: options.connectorName, connectorId: String(options.connectorId) };
      return tableOf({ ...entries, [attribute]: added } as Record<
        Names | Added,
        GlobusConnectServerConnector
      >);
    },
  }) as ConnectorTable<Names>;
}

/** The connectors every GCS 5.4 endpoint knows. */
export const ConnectorTable: ConnectorTable = tableOf(KNOWN_CONNECTORS);
