export * from "./client.ts";
export * from "./data.ts";
export * from "./types.ts";
