export * from "./base/index.ts";
export * from "./flows/client.ts";
export * from "./flows/specific-flow.ts";
export * from "./transfer/client.ts";
export * from "./transfer/data.ts";
