/**
 * Web inputs: questions a run asks people (today only `selection`: pick one option). A
 * web input is open until a respondent answers it; viewers may read it, respondents may
 * also answer. Its creator (the run's owner) gets no role by being the creator, as Flows
 * documents.
 */
import { isoTime, isRecord } from "../common.ts";
import { listed } from "./principals.ts";

export type WebInputRole = "viewer" | "respondent";

export interface WebInputOption {
  option_id: string;
  label: string;
  description: string;
}

export interface WebInputRecord {
  id: string;
  runId: string;
  runLabel: string | null;
  flowId: string;
  flowTitle: string;
  stateName: string;
  status: "open" | "closed";
  context: Record<string, unknown>;
  options: WebInputOption[];
  viewerUrns: string[];
  respondentUrns: string[];
  creatorUrn: string;
  created: number;
  edited: number;
  closed: number | null;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : [];
}

/** The web inputs of every run, and how each caller sees them. */
export class WebInputs {
  readonly records = new Map<string, WebInputRecord>();
  readonly #now: () => number;
  readonly #newId: () => string;

  constructor(now: () => number, newId: () => string) {
    this.#now = now;
    this.#newId = newId;
  }

  /**
   * Opens a web input from a state's resolved `Parameters`: `title`, `text` (or `rows` of
   * `{field, value}` for a table), `options` (`{label, description}`), `respondent_urns`
   * (default: the run's owner) and `viewer_urns`.
   */
  open(
    run: {
      run_id: string;
      label: string;
      flow_id: string;
      flow_title: string;
      run_owner: string;
    },
    stateName: string,
    parameters: Record<string, unknown>,
  ): WebInputRecord {
    const now = this.#now();
    const title = typeof parameters.title === "string" ? parameters.title : stateName;
    const context: Record<string, unknown> = Array.isArray(parameters.rows)
      ? { title, presentation_style: "table", rows: parameters.rows }
      : {
          title,
          presentation_style: "text",
          text: typeof parameters.text === "string" ? parameters.text : "",
        };
    const options = (Array.isArray(parameters.options) ? parameters.options : []).map(
      (option, index): WebInputOption => ({
        option_id: this.#newId(),
        label:
          isRecord(option) && typeof option.label === "string"
            ? option.label
            : `Option ${index + 1}`,
        description:
          isRecord(option) && typeof option.description === "string" ? option.description : "",
      }),
    );
    const respondents = stringList(parameters.respondent_urns);
    const record: WebInputRecord = {
      id: this.#newId(),
      runId: run.run_id,
      runLabel: run.label,
      flowId: run.flow_id,
      flowTitle: run.flow_title,
      stateName,
      status: "open",
      context,
      options,
      viewerUrns: stringList(parameters.viewer_urns),
      respondentUrns: respondents.length > 0 ? respondents : [run.run_owner],
      creatorUrn: run.run_owner,
      created: now,
      edited: now,
      closed: null,
    };
    this.records.set(record.id, record);
    return record;
  }

  close(id: string): void {
    const record = this.records.get(id);
    if (!record || record.status === "closed") return;
    const now = this.#now();
    record.status = "closed";
    record.closed = now;
    record.edited = now;
  }

  /** The caller's roles; respondents may view as well. */
  rolesOf(record: WebInputRecord, principals: ReadonlySet<string>): WebInputRole[] {
    const respondent = listed(record.respondentUrns, principals);
    const viewer = respondent || listed(record.viewerUrns, principals);
    return [
      ...(viewer ? (["viewer"] as const) : []),
      ...(respondent ? (["respondent"] as const) : []),
    ];
  }

  /** The listing form of a web input. */
  summary(record: WebInputRecord, roles: WebInputRole[]): Record<string, unknown> {
    return {
      id: record.id,
      status: record.status,
      user_roles: roles,
      input_type: "selection",
      title: record.context.title,
      flow: { id: record.flowId, title: record.flowTitle },
      run: { id: record.runId, label: record.runLabel },
      created_timestamp: isoTime(record.created),
      edited_timestamp: isoTime(record.edited),
      closed_timestamp: record.closed === null ? null : isoTime(record.closed),
    };
  }

  /** The whole web input, with the JSON Schema its answers must fit. */
  doc(record: WebInputRecord, roles: WebInputRole[]): Record<string, unknown> {
    const { title: _title, ...summary } = this.summary(record, roles);
    return {
      ...summary,
      input_schema: {
        $schema: "http://json-schema.org/draft-07/schema",
        title: "Please select an option",
        type: "string",
        oneOf: record.options.map((option) => ({
          const: option.option_id,
          title: option.label,
          description: option.description,
        })),
      },
      context: record.context,
      options: record.options,
      roles: { viewer_urns: record.viewerUrns, respondent_urns: record.respondentUrns },
      creator_urn: record.creatorUrn,
    };
  }
}
