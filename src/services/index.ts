export * from "./base/index.ts";
export * from "./flows/client.ts";
export * from "./transfer/client.ts";
