import type { OperationOptions } from "../base/client.ts";
import type { ComputeFunctionDocumentV2, ComputeFunctionRegistration } from "./types.ts";
import { ComputeClientV2 } from "./v2.ts";

export { ComputeServiceClient } from "./base.ts";
export type * from "./types.ts";
export { ComputeClientV2 } from "./v2.ts";
export { ComputeClientV3 } from "./v3.ts";

/** The function fields {@link ComputeClient.registerFunction} accepted before the V2 client. */
export interface ComputeFunctionFields {
  functionName: string;
  functionCode: string;
  description?: string;
}

/**
 * The first Compute client of this SDK, kept for the scripts that use it: it is a
 * {@link ComputeClientV2} whose `registerFunction` also takes camelCase fields.
 */
export class ComputeClient extends ComputeClientV2 {
  /** Registers a function from a v2 document, or from the camelCase fields of old. */
  override async registerFunction(
    data: ComputeFunctionDocumentV2 | ComputeFunctionFields,
    options?: OperationOptions,
  ): Promise<ComputeFunctionRegistration> {
    if (!isFields(data)) return super.registerFunction(data, options);
    return super.registerFunction(
      {
        function_name: data.functionName,
        function_code: data.functionCode,
        ...(data.description !== undefined ? { description: data.description } : {}),
      },
      options,
    );
  }
}

function isFields(
  data: ComputeFunctionDocumentV2 | ComputeFunctionFields,
): data is ComputeFunctionFields {
  return "functionCode" in data && !("function_code" in data);
}
