/** `/auth`: server time and what the current credentials are (schemas/auth.json). */
import { z } from "zod";
import type { OvhRequester } from "../ovh/request";
import { long, openEnum, type OpenEnum } from "./common";
import { callOperation } from "./operation";

export const HTTP_METHODS = ["DELETE", "GET", "POST", "PUT"] as const;
/** auth.HTTPMethodEnum */
export type AccessRuleMethod = OpenEnum<(typeof HTTP_METHODS)[number]>;
export const AccessRuleMethod = openEnum(HTTP_METHODS);

export const CREDENTIAL_STATES = ["expired", "pendingValidation", "refused", "validated"] as const;
/** auth.CredentialStateEnum */
export type CredentialState = OpenEnum<(typeof CREDENTIAL_STATES)[number]>;
export const CredentialState = openEnum(CREDENTIAL_STATES);

export const AUTH_METHODS = ["account", "oauth2_client_credentials", "provider", "user"] as const;
/** auth.MethodEnum: how the caller authenticated. */
export type AuthMethod = OpenEnum<(typeof AUTH_METHODS)[number]>;
export const AuthMethod = openEnum(AUTH_METHODS);

/** auth.AccessRule: one route a consumer key may call (`*` wildcards allowed). */
export const AccessRule = z.looseObject({
  method: AccessRuleMethod,
  path: z.string(),
});
export type AccessRule = z.infer<typeof AccessRule>;

/** auth.ApiCredential: the consumer key in use (rules, expiry, status). */
export const ApiCredential = z.looseObject({
  allowedIPs: z.array(z.string()).nullish(),
  applicationId: long,
  creation: z.string(),
  credentialId: long,
  expiration: z.string().nullish(),
  lastUse: z.string().nullish(),
  ovhSupport: z.boolean(),
  rules: z.array(AccessRule),
  status: CredentialState,
});
export type ApiCredential = z.infer<typeof ApiCredential>;

/** auth.Details: who is calling (account, method, allowed routes). */
export const AuthDetails = z.looseObject({
  account: z.string(),
  allowedRoutes: z.array(AccessRule).nullish(),
  description: z.string().nullish(),
  identities: z.array(z.string()),
  method: AuthMethod,
  roles: z.array(z.string()).nullish(),
  user: z.string().nullish(),
});
export type AuthDetails = z.infer<typeof AuthDetails>;

/** Reads OVH's clock, in seconds since the UNIX epoch (unauthenticated). */
export function getServerTime(ovh: OvhRequester): Promise<number> {
  return callOperation(ovh, "GET /auth/time", long, { authenticated: false });
}

/** Reads the consumer key in use: its access rules, expiry and status (v1 credentials only). */
export function getCurrentCredential(ovh: OvhRequester): Promise<ApiCredential> {
  return callOperation(ovh, "GET /auth/currentCredential", ApiCredential);
}

/** Reads who the credentials belong to and how they authenticate; a cheap credentials check. */
export function getAuthDetails(ovh: OvhRequester): Promise<AuthDetails> {
  return callOperation(ovh, "GET /auth/details", AuthDetails);
}
