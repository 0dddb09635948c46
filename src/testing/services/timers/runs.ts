/**
 * What a timer's run does. The run is modelled here, not handed to the Transfer or Flows
 * module: it checks the consents the timer's credentials carry, as those services would,
 * and records what their action provider answers on submission (an action that is
 * `ACTIVE`), in the shape of the recorded run results.
 * - A transfer run needs, for each collection that demands it, a `data_access` consent
 *   below `transfer:all` below the Timers scope; without it the timer goes inactive with a
 *   ConsentRequired GARE naming the scope to consent to. A collection that does not exist
 *   makes the run fail (counted in `n_errors`); the timer goes on.
 * - A flow run needs the flow's `user` scope below the Timers scope, likewise.
 * - A job of the jobs API (any callback URL) runs without checks.
 */
import {
  gcsCollectionScopeSet,
  KNOWN_SCOPES,
  specificFlowScopeSet,
} from "../../../scopes/known.ts";
import type { EmulatorContext } from "../../types.ts";
import { identityUrn } from "../common.ts";
import type { InactiveReason, RunExecutor, RunOutcome, TimerRecord } from "./model.ts";
import { timersTime } from "./schedule.ts";

const TIMER_SCOPE = KNOWN_SCOPES.timers.scopes.timer;
const TRANSFER_ALL = KNOWN_SCOPES.transfer.scopes.all;

function consentRequired(message: string, requiredScope: string): InactiveReason {
  return {
    cause: "globus_auth_requirements",
    detail: {
      code: "ConsentRequired",
      authorization_parameters: { session_message: message, required_scopes: [requiredScope] },
    },
  };
}

/** An action provider's status document for an action started at `at`. */
function actionStatus(
  timer: TimerRecord,
  at: number,
  actionId: string,
  label: string | null,
  details: Record<string, unknown>,
): Record<string, unknown> {
  return {
    action_id: actionId,
    completion_time: null,
    creator_id: identityUrn(timer.credentials.identityId),
    details,
    display_status: "ACTIVE",
    label,
    manage_by: [],
    monitor_by: [],
    release_after: "P30D",
    start_time: timersTime(at),
    status: "ACTIVE",
  };
}

export function runExecutor(context: EmulatorContext): RunExecutor {
  function transferRun(timer: TimerRecord, at: number, body: Record<string, unknown>): RunOutcome {
    const ids = [...new Set([String(body.source_endpoint), String(body.destination_endpoint)])];
    const unknown = ids.find((id) => !context.collections.get(id));
    if (unknown !== undefined) {
      return {
        kind: "failed",
        result: {
          ranAt: at,
          status: 404,
          data: null,
          errors: {
            code: "EndpointNotFound",
            message: `No collection with id '${unknown}' exists`,
          },
        },
      };
    }
    const lacking = ids.filter((id) => {
      const collection = context.collections.get(id)!;
      const needsConsent =
        collection.high_assurance === true || collection.requires_data_access_consent === true;
      const dataAccess = gcsCollectionScopeSet(id).scopes.data_access;
      return (
        needsConsent && !context.hasDependentConsent(timer.credentials, TRANSFER_ALL, dataAccess)
      );
    });
    if (lacking.length > 0) {
      const dependencies = lacking
        .map((id) => `*${gcsCollectionScopeSet(id).scopes.data_access}`)
        .join(" ");
      return {
        kind: "blocked",
        reason: consentRequired(
          "Missing required data_access consent",
          `${TIMER_SCOPE}[${TRANSFER_ALL}[${dependencies}]]`,
        ),
      };
    }
    const taskId = context.newId();
    const items = Array.isArray(body.DATA) ? body.DATA.length : 0;
    const label = typeof body.label === "string" ? body.label : null;
    return {
      kind: "ran",
      result: {
        ranAt: at,
        status: 202,
        errors: null,
        data: actionStatus(timer, at, context.newId(), label, {
          DATA_TYPE: "task",
          task_id: taskId,
          type: "TRANSFER",
          status: "ACTIVE",
          label,
          owner_id: timer.credentials.identityId,
          source_endpoint_id: body.source_endpoint,
          destination_endpoint_id: body.destination_endpoint,
          request_time: timersTime(at),
          completion_time: null,
          files: items,
          files_transferred: 0,
          files_skipped: 0,
          bytes_transferred: 0,
          subtasks_total: items,
          subtasks_pending: items,
          subtasks_succeeded: 0,
          verify_checksum: body.verify_checksum,
          sync_level: body.sync_level ?? null,
        }),
      },
    };
  }

  function flowRun(
    timer: TimerRecord,
    at: number,
    flowId: string,
    body: Record<string, unknown>,
  ): RunOutcome {
    const flowUser = specificFlowScopeSet(flowId).scopes.user;
    if (!context.hasDependentConsent(timer.credentials, TIMER_SCOPE, flowUser)) {
      return {
        kind: "blocked",
        reason: consentRequired(
          `Missing required consent to run flow ${flowId}`,
          `${TIMER_SCOPE}[${flowUser}]`,
        ),
      };
    }
    const runId = context.newId();
    const label = typeof body.label === "string" ? body.label : null;
    return {
      kind: "ran",
      result: {
        ranAt: at,
        status: 201,
        errors: null,
        data: actionStatus(timer, at, runId, label, {
          run_id: runId,
          flow_id: flowId,
          tags: Array.isArray(body.tags) ? body.tags : [],
        }),
      },
    };
  }

  return (timer, at) => {
    const action = timer.action;
    if (action.kind === "transfer") return transferRun(timer, at, action.body);
    if (action.kind === "flow") return flowRun(timer, at, action.flowId, action.body);
    return {
      kind: "ran",
      result: {
        ranAt: at,
        status: 202,
        errors: null,
        data: actionStatus(timer, at, context.newId(), timer.name || null, {}),
      },
    };
  };
}
