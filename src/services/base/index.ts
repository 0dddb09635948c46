export {
  BaseServiceClient,
  type OperationOptions,
  type OperationSpec,
  type RawRequestOptions,
  type ServiceBinding,
  type ServiceClientClass,
  type ServiceClientOptions,
} from "./client.ts";
export {
  lastKeyPaging,
  markerPaging,
  nextTokenPaging,
  offsetPaging,
  type Page,
  Paginator,
  type PagingStyle,
} from "./paging.ts";
