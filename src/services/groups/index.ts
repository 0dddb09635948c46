export * from "./client.ts";
export * from "./data.ts";
export * from "./manager.ts";
export * from "./types.ts";
