/** The `apiVersion` every rolefit file carries. */
export const API_VERSION = "rolefit/v1";
