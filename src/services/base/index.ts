export {
  BaseServiceClient,
  type ServiceBinding,
  type ServiceClientClass,
  type ServiceClientOptions,
} from "./client.ts";
export { type Page, Paginator } from "./paging.ts";
