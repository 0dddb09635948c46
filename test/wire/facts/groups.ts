/**
 * Groups wire facts, from the Python SDK 4.9's `services/groups/client.py` and the responses
 * recorded in `testing/data/groups/`.
 */
import { GroupsClient } from "../../../src/index.ts";
import type { WireFact } from "../facts.ts";
import { S } from "../shape.ts";

export const service = "groups";

const membership = S.obj({
  group_id: S.str,
  identity_id: S.str,
  username: S.str,
  role: S.str,
  status: S.str,
});

const policies = S.obj({ group_visibility: S.str, group_members_visibility: S.str });

/** A group as `get_my_groups` records it (`_common.py`, `get_my_groups.py`). */
const myGroup = S.obj({
  name: S.str,
  parent_id: S.nullable(S.str),
  id: S.str,
  group_type: S.str,
  enforce_session: S.bool,
  session_limit: S.int,
  session_timeouts: S.record(S.any),
  my_memberships: S.array(membership),
  policies,
});

function groups(app: ReturnType<Parameters<WireFact["drive"]>[0]["userApp"]>) {
  return new GroupsClient({ app });
}

export const facts: WireFact[] = [
  {
    python: "GroupsClient.get_my_groups",
    source: "services/groups/client.py; testing/data/groups/get_my_groups.py",
    service,
    method: "GET",
    path: "/v2/groups/my_groups",
    query: ["statuses"],
    response: S.array(myGroup),
    drive: (context) => groups(context.userApp()).getMyGroups(),
  },
];
