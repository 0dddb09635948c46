/**
 * The documents Groups answers with, typed for the fields scripts use; every other field
 * of the JSON is kept.
 */
import type {
  GroupMemberVisibility,
  GroupPoliciesDocument,
  GroupRole,
  GroupVisibility,
  MembershipActionName,
  MembershipStatus,
} from "./data.ts";

/** One identity's membership of a group. */
export interface GroupMembership {
  group_id: string;
  identity_id: string;
  username: string;
  role: GroupRole;
  status: MembershipStatus;
  [field: string]: unknown;
}

/** What `include` may add to a group document. */
export type GroupInclude =
  | "memberships"
  | "my_memberships"
  | "policies"
  | "allowed_actions"
  | "child_ids";

/** A subscription, as a subscription's group carries it. */
export interface GroupSubscriptionInfo {
  name?: string;
  subscriber_name?: string;
  is_high_assurance: boolean;
  is_baa: boolean;
  /** Per GCS connector id: whether it is high assurance or BAA. */
  connectors: Record<string, { is_ha: boolean; is_baa: boolean }>;
  [field: string]: unknown;
}

/** A group. Which optional fields appear depends on the call and its `include`. */
export interface Group {
  id: string;
  name: string;
  description?: string | null;
  parent_id: string | null;
  /** `plus` for a subscription's group. */
  group_type?: "regular" | "plus";
  /** Whether a high-assurance session is required, and for how many seconds. */
  enforce_session?: boolean;
  session_limit?: number | null;
  session_timeouts?: Record<string, { expire_time: string; expires_in: number }>;
  /** Your own memberships (always in `getMyGroups`; with `include: "my_memberships"`). */
  my_memberships?: GroupMembership[];
  /** Every membership (with `include: "memberships"`, if you may see them). */
  memberships?: GroupMembership[];
  /** Per membership action, those of your identities that may take it. */
  allowed_actions?: Record<MembershipActionName, string[]>;
  child_ids?: string[];
  /** The visibilities (group documents carry only these two policies). */
  policies?: {
    group_visibility: GroupVisibility;
    group_members_visibility: GroupMemberVisibility;
    [field: string]: unknown;
  };
  subscription_id?: string | null;
  subscription_info?: GroupSubscriptionInfo | null;
  subscription_admin_verified_id?: string | null;
  terms_and_conditions?: string | null;
  [field: string]: unknown;
}

/** A group's full policy document (`getGroupPolicies`, `setGroupPolicies`). */
export type GroupPoliciesResponse = GroupPoliciesDocument & {
  authentication_assurance_timeout: number | null;
};

/** One failed entry of a batch membership action. */
export interface MembershipActionError {
  identity_id: string;
  code: string;
  detail: string;
  [field: string]: unknown;
}

/** The answer to a batch membership action: per action, the memberships now, and errors. */
export type MembershipActionResponse = Partial<Record<MembershipActionName, GroupMembership[]>> & {
  errors?: Partial<Record<MembershipActionName, MembershipActionError[]>>;
  [field: string]: unknown;
};

/** `getGroupBySubscriptionId`: the group that provides a subscription. */
export interface GroupSubscription {
  group_id: string;
  subscription_id: string;
  /** The subscription without its name. */
  subscription_info: GroupSubscriptionInfo;
  [field: string]: unknown;
}

/** Your identities' Groups preferences, by identity id. */
export type IdentityPreferences = Record<
  string,
  { allow_add: boolean | null; [field: string]: unknown }
>;

/** The fields a member shares with a group. */
export interface MembershipFields {
  first_name?: string | null;
  last_name?: string | null;
  organization?: string | null;
  institution?: string | null;
  current_project_name?: string | null;
  address?: string | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  address1?: string | null;
  address2?: string | null;
  zip?: string | null;
  phone?: string | null;
  department?: string | null;
  field_of_science?: string | null;
  [field: string]: unknown;
}

/** `setSubscriptionAdminVerified`'s answer. */
export interface SubscriptionAdminVerified {
  group_id: string;
  subscription_admin_verified_id: string | null;
  [field: string]: unknown;
}

/** The body of `createGroup`, with Groups' field names. */
export interface GroupCreateDocument {
  name: string;
  description?: string | null;
  /** Makes the group a subgroup; you must be an admin of the parent. */
  parent_id?: string | null;
  terms_and_conditions?: string | null;
  policies?: Partial<GroupPoliciesDocument>;
  [field: string]: unknown;
}

/** The body of `updateGroup`: the fields to change. */
export interface GroupUpdateDocument {
  name?: string | null;
  description?: string | null;
  terms_and_conditions?: string | null;
  /** Null clears a subscription admin's verification. */
  subscription_admin_verified_id?: string | null;
  [field: string]: unknown;
}
