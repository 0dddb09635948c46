/** The SDK's version; a test keeps it equal to package.json's. */
export const SDK_VERSION = "0.1.0";

/** The product name used in User-Agent and X-Globus-Client-Info. */
export const SDK_PRODUCT = "globus-sdk-ts";
