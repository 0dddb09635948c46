export * from "./client.ts";
export * from "./connectors.ts";
export * from "./data.ts";
export * from "./types.ts";
