/**
 * Every public method of the Python SDK 4.9's TransferClient (read from
 * `services/transfer/client.py`) has its camelCase twin on TransferClient, so that a script
 * ports line by line.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TransferClient } from "../../src/index.ts";

const PYTHON_METHODS = [
  "add_app_data_access_scope",
  "get_endpoint",
  "update_endpoint",
  "set_subscription_id",
  "set_subscription_admin_verified",
  "delete_endpoint",
  "endpoint_search",
  "my_effective_pause_rule_list",
  "my_shared_endpoint_list",
  "get_shared_endpoint_list",
  "create_shared_endpoint",
  "endpoint_server_list",
  "get_endpoint_server",
  "endpoint_role_list",
  "add_endpoint_role",
  "get_endpoint_role",
  "delete_endpoint_role",
  "endpoint_acl_list",
  "get_endpoint_acl_rule",
  "add_endpoint_acl_rule",
  "update_endpoint_acl_rule",
  "delete_endpoint_acl_rule",
  "bookmark_list",
  "create_bookmark",
  "get_bookmark",
  "update_bookmark",
  "delete_bookmark",
  "operation_ls",
  "operation_mkdir",
  "operation_rename",
  "operation_stat",
  "get_submission_id",
  "submit_transfer",
  "submit_delete",
  "task_list",
  "task_event_list",
  "get_task",
  "update_task",
  "cancel_task",
  "task_wait",
  "task_pause_info",
  "task_successful_transfers",
  "task_skipped_errors",
  "endpoint_manager_monitored_endpoints",
  "endpoint_manager_hosted_endpoint_list",
  "endpoint_manager_get_endpoint",
  "endpoint_manager_acl_list",
  "endpoint_manager_task_list",
  "endpoint_manager_get_task",
  "endpoint_manager_task_event_list",
  "endpoint_manager_task_pause_info",
  "endpoint_manager_task_successful_transfers",
  "endpoint_manager_task_skipped_errors",
  "endpoint_manager_cancel_tasks",
  "endpoint_manager_cancel_status",
  "endpoint_manager_pause_tasks",
  "endpoint_manager_resume_tasks",
  "endpoint_manager_pause_rule_list",
  "endpoint_manager_create_pause_rule",
  "endpoint_manager_get_pause_rule",
  "endpoint_manager_update_pause_rule",
  "endpoint_manager_delete_pause_rule",
  "create_tunnel",
  "update_tunnel",
  "get_tunnel",
  "delete_tunnel",
  "list_tunnels",
  "get_stream_access_point",
  "get_tunnel_events",
];

const camelCase = (name: string) =>
  name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

test("the Python SDK's 69 TransferClient methods each have a camelCase twin", () => {
  assert.equal(PYTHON_METHODS.length, 69);
  const prototype = TransferClient.prototype as unknown as Record<string, unknown>;
  const missing = PYTHON_METHODS.map(camelCase).filter(
    (name) => typeof prototype[name] !== "function",
  );
  assert.deepEqual(missing, []);
});
