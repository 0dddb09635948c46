import { optionsArgument } from "../../arguments.ts";
import { GlobusSDKUsageError } from "../../errors.ts";
import type { GlobusApp } from "../../globus-app/app.ts";
import { mergeScopes, type Scope, type ScopeLike, toScopes } from "../../scopes/index.ts";
import {
  getServiceUrl,
  resolveEnvironment,
  type ServiceName,
} from "../../transport/environments.ts";
import { type APIErrorClass, GlobusAPIError } from "../../transport/errors.ts";
import { type RetryOptions, Transport } from "../../transport/transport.ts";
import type {
  Authorizer,
  CallOptions,
  GlobusResponse,
  HTTPMethod,
  QueryValue,
  RequestOptions,
} from "../../transport/types.ts";
import { Paginator, type PagingStyle } from "./paging.ts";

/** How every service client is built. */
export interface ServiceClientOptions {
  /** Bind to an app: it supplies tokens and learns this client's scope requirements. */
  app?: GlobusApp;
  /** With `app`: register exactly these scopes instead of the client's defaults. */
  appScopes?: ScopeLike;
  /** Use this authorizer instead of an app (exclusive with `app`). */
  authorizer?: Authorizer;
  /** The Globus environment; defaults to the app's, else `GLOBUS_SDK_ENVIRONMENT`. */
  environment?: string;
  /** Overrides the service URL entirely. */
  baseUrl?: string;
  /** Per-attempt timeout in ms for this client's calls. */
  timeout?: number;
  retry?: RetryOptions;
  /** The largest response body (decoded) a call accepts; default 64 MiB. */
  maxResponseBytes?: number;
  /**
   * A name for the program, sent in the User-Agent as Globus's SDKs do, for a client
   * without an app (a bound client sends its app's name).
   */
  appName?: string;
}

/** A client's resource server and default scopes, when they depend on its arguments. */
export interface ServiceBinding {
  /**
   * Undefined while the client has yet to learn it (a GCS endpoint's, from `/api/info`);
   * such a client registers its scopes with the app itself once it knows.
   */
  readonly resourceServer: string | undefined;
  readonly defaultScopes: readonly Scope[];
}

/** The static side every service client class declares. */
export interface ServiceClientClass {
  /** The `GLOBUS_SDK_SERVICE_URL_<X>` service name; null for clients with per-instance URLs. */
  readonly serviceName: ServiceName | null;
  readonly errorClass: APIErrorClass;
}

/**
 * The one base of every Globus service client: it owns the transport, binds to a
 * GlobusApp (registering scope requirements, lazy login, GARE redrive), and exposes
 * `request()` as an escape hatch for operations the SDK does not wrap yet.
 */
export abstract class BaseServiceClient {
  static readonly serviceName: ServiceName | null = null;
  static readonly errorClass: APIErrorClass = GlobusAPIError;

  readonly transport: Transport;
  readonly environment: string;

  readonly #binding: ServiceBinding | undefined;
  #app: GlobusApp | undefined;
  /** What `appScopes` asked for instead of the defaults, when it did. */
  #explicitAppScopes: Scope[] | undefined;
  readonly #hasAuthorizer: boolean;

  /**
   * @param binding the resource server and default scopes, for clients whose values depend
   *   on constructor arguments (a specific flow, a GCS endpoint); static clients override
   *   the getters instead.
   * @param baseUrlOverride the service URL, for clients without an environment service name.
   */
  constructor(
    options: ServiceClientOptions = {},
    binding?: ServiceBinding,
    baseUrlOverride?: string,
  ) {
    optionsArgument(`new ${new.target.name}`, options);
    this.#binding = binding;
    if (options.app && options.authorizer) {
      throw new GlobusSDKUsageError(
        "app and authorizer are mutually exclusive: pass one or the other.",
      );
    }
    if (options.appScopes !== undefined && !options.app) {
      throw new GlobusSDKUsageError("appScopes only makes sense together with app.");
    }
    const statics = this.constructor as unknown as ServiceClientClass;
    this.#hasAuthorizer = options.authorizer !== undefined;
    if (options.appName !== undefined && options.app) {
      throw new GlobusSDKUsageError(
        "appName is for a client without an app; a bound client sends its app's name.",
      );
    }
    this.environment =
      options.environment ?? options.app?.config.environment ?? resolveEnvironment();
    if (
      options.app &&
      options.environment &&
      options.environment !== options.app.config.environment
    ) {
      throw new GlobusSDKUsageError(
        `The client's environment (${options.environment}) differs from its app's (${options.app.config.environment}).`,
      );
    }
    const baseUrl = options.baseUrl ?? baseUrlOverride ?? this.#serviceUrl(statics.serviceName);
    this.transport = new Transport({
      baseUrl,
      authorizer: options.authorizer,
      timeout: options.timeout,
      retry: options.retry,
      maxResponseBytes: options.maxResponseBytes,
      appName: options.app?.appName ?? options.appName,
      errorClass: statics.errorClass,
    });
    if (options.app) this.#bind(options.app, options.appScopes);
  }

  /** The app this client takes its tokens from, if it is bound to one. */
  get app(): GlobusApp | undefined {
    return this.#app;
  }

  /**
   * The scopes this client asks its app for on its resource server: `appScopes` as given,
   * else the client's defaults. Undefined for a client without an app.
   */
  get appScopes(): Scope[] | undefined {
    if (!this.#app) return undefined;
    return [...(this.#explicitAppScopes ?? this.defaultScopeRequirements)];
  }

  /**
   * Binds a client built without an app to one (Python's `attach_globus_app`): the app
   * learns this client's scope requirements (`appScopes`, else the defaults) and supplies
   * its tokens from now on.
   */
  attachGlobusApp(app: GlobusApp, appScopes?: ScopeLike): this {
    if (typeof (app as GlobusApp | null)?.authorizerFor !== "function") {
      throw new GlobusSDKUsageError("attachGlobusApp needs a GlobusApp (a UserApp or ClientApp).");
    }
    if (this.#app) {
      throw new GlobusSDKUsageError(
        `This ${this.constructor.name} is already bound to the app "${this.#app.appName}".`,
      );
    }
    if (this.#hasAuthorizer) {
      throw new GlobusSDKUsageError(
        `This ${this.constructor.name} was built with an authorizer; an app cannot replace it.`,
      );
    }
    if (app.config.environment !== this.environment) {
      throw new GlobusSDKUsageError(
        `The client's environment (${this.environment}) differs from the app's (${app.config.environment}).`,
      );
    }
    this.#bind(app, appScopes);
    this.transport.setAppName(app.appName);
    return this;
  }

  #bind(app: GlobusApp, appScopes: ScopeLike | undefined): void {
    this.#app = app;
    this.#explicitAppScopes = appScopes === undefined ? undefined : toScopes(appScopes);
    if (this.#binding === undefined || this.#binding.resourceServer !== undefined) {
      this.registerWithApp();
    }
  }

  /**
   * Registers this client's scopes (`appScopes`, else the defaults) with its app for its
   * resource server; a client that learns its resource server late (GCS) calls it then.
   */
  protected registerWithApp(): void {
    const app = this.#app;
    if (!app) return;
    app.addScopeRequirements({
      [this.resourceServer]: this.#explicitAppScopes ?? this.defaultScopeRequirements,
    });
  }

  /** The resource server this client's tokens are for. */
  get resourceServer(): string {
    const resourceServer = this.#binding?.resourceServer;
    if (resourceServer === undefined)
      throw new GlobusSDKUsageError(`${this.constructor.name} declares no resource server.`);
    return resourceServer;
  }

  /** The scopes an app needs for this client when `appScopes` is not given. */
  get defaultScopeRequirements(): Scope[] {
    return [...(this.#binding?.defaultScopes ?? [])];
  }

  #serviceUrl(serviceName: ServiceName | null): string {
    if (serviceName === null) {
      throw new GlobusSDKUsageError(`${this.constructor.name} needs a baseUrl.`);
    }
    return getServiceUrl(serviceName, this.environment);
  }

  /** Adds scopes to the bound app's requirements for this client's resource server. */
  addAppScope(scopes: ScopeLike): this {
    if (!this.app) {
      throw new GlobusSDKUsageError(
        "addAppScope() needs a client bound to an app (new Client({ app })).",
      );
    }
    this.app.addScopeRequirements({ [this.resourceServer]: toScopes(scopes) });
    return this;
  }

  /**
   * Sends a request with this client's authorization. With an app configured for
   * `autoRedriveGares`, a GARE leads to one login with its parameters (plus this client's
   * own scopes) and one retry; a second GARE is raised.
   */
  async request<T = unknown>(options: RequestOptions): Promise<GlobusResponse<T>> {
    const app = this.app;
    const authorizer =
      options.authorizer !== undefined
        ? options.authorizer
        : app?.authorizerFor(this.resourceServer);
    const send = () => this.transport.request<T>({ ...options, authorizer });
    if (!app?.config.autoRedriveGares) return send();
    try {
      return await send();
    } catch (error) {
      // only a 403 asks for more authorization, as the Python SDK's redrive check has it;
      // a GARE-shaped body on another status (a 400 about a bad request) is not redriven
      const gare =
        error instanceof GlobusAPIError && error.httpStatus === 403 ? error.gare() : null;
      if (!gare) throw error;
      // a GARE names what the service lacks, not always this client's own scope (a
      // flow's scope, say), so the login asks for both
      const ownScopes = app.scopeRequirements[this.resourceServer] ?? [];
      const required = mergeScopes(
        toScopes(gare.authorization_parameters.required_scopes ?? []),
        ownScopes,
      );
      await app.login({
        authParams: { ...gare.authorization_parameters, required_scopes: required.map(String) },
        signal: options.signal,
      });
      return send();
    }
  }

  /**
   * GET a path of this service with this client's authorization (the Python SDK's
   * `client.get`), for an operation the SDK does not wrap.
   */
  get<T = unknown>(path: string, options: RawRequestOptions = {}): Promise<GlobusResponse<T>> {
    return this.#raw<T>("GET", path, options);
  }

  /** POST, with `data` sent as JSON (Python's `client.post`). */
  post<T = unknown>(path: string, options: RawRequestOptions = {}): Promise<GlobusResponse<T>> {
    return this.#raw<T>("POST", path, options);
  }

  /** PUT, with `data` sent as JSON (Python's `client.put`). */
  put<T = unknown>(path: string, options: RawRequestOptions = {}): Promise<GlobusResponse<T>> {
    return this.#raw<T>("PUT", path, options);
  }

  /** PATCH, with `data` sent as JSON (Python's `client.patch`). */
  patch<T = unknown>(path: string, options: RawRequestOptions = {}): Promise<GlobusResponse<T>> {
    return this.#raw<T>("PATCH", path, options);
  }

  /** DELETE (Python's `client.delete`). */
  delete<T = unknown>(path: string, options: RawRequestOptions = {}): Promise<GlobusResponse<T>> {
    return this.#raw<T>("DELETE", path, options);
  }

  #raw<T>(
    method: HTTPMethod,
    path: string,
    options: RawRequestOptions,
  ): Promise<GlobusResponse<T>> {
    if (typeof path !== "string" || path === "") {
      throw new GlobusSDKUsageError(`${method}: path must be a non-empty string.`);
    }
    const { data, ...rest } = optionsArgument(method.toLowerCase(), options);
    return this.request<T>({
      ...requestFor({ method, path, ...(data !== undefined ? { body: data } : {}) }, rest),
    });
  }

  /**
   * Sends one API operation and resolves with its decoded body: the declarative core of
   * every wrapped method. `spec.query` holds the method's own parameters; the caller's
   * `queryParams` are added last, as the Python SDK's `query_params` are.
   */
  protected async call<T>(spec: OperationSpec, options: OperationOptions = {}): Promise<T> {
    const response = await this.request<T>(requestFor(spec, options));
    return response.data;
  }

  /**
   * A paged API operation: each page is `spec` plus the cursor that `style` puts in the
   * query (or, for POST listings, the body).
   */
  protected paged<TItem, TCursor>(
    spec: OperationSpec,
    style: PagingStyle<TCursor>,
    options: OperationOptions = {},
  ): Paginator<TItem, TCursor> {
    return new Paginator<TItem, TCursor>(async (cursor) => {
      const params = style.params(cursor);
      const pageSpec: OperationSpec =
        style.cursorIn === "query"
          ? { ...spec, query: { ...spec.query, ...params } }
          : {
              ...spec,
              body: { ...(spec.body as Record<string, unknown>), ...definedOnly(params) },
            };
      const response = await this.request<Record<string, unknown>>(requestFor(pageSpec, options));
      const body = response.data ?? {};
      const items = body[style.itemsKey];
      return {
        items: (Array.isArray(items) ? items : []) as TItem[],
        next: style.next(body, cursor),
        raw: body,
      };
    });
  }
}

/** One API operation, declared: everything about the request but the caller's options. */
export interface OperationSpec {
  method?: HTTPMethod;
  /** The path, with ids encoded (build it with `apiPath`). */
  path: string;
  /** The operation's own query parameters; undefined values are left out. */
  query?: Record<string, QueryValue>;
  /** A JSON body. */
  body?: unknown;
  /** A non-idempotent request that is still safe to resend (a submission id guards it). */
  retrySafe?: boolean;
  /** `false`: sent without credentials (the Python SDK's `automatic_authorization=False`). */
  authorized?: false;
}

/** Options of the raw `get`, `post`, `put`, `patch` and `delete` calls. */
export interface RawRequestOptions extends OperationOptions {
  /** The JSON body (POST, PUT, PATCH). */
  data?: unknown;
}

/** What every wrapped operation accepts besides its own arguments. */
export interface OperationOptions extends CallOptions {
  /** Extra query parameters, sent as given: the Python SDK's `query_params`. */
  queryParams?: Record<string, QueryValue>;
  /** Extra request headers for this call. */
  headers?: Record<string, string>;
}

function requestFor(spec: OperationSpec, options: OperationOptions): RequestOptions {
  // built field by field: this runs for every call of every client
  const request: RequestOptions = { method: spec.method ?? "GET", path: spec.path };
  if (spec.authorized === false) request.authorizer = null;
  if (spec.query || options.queryParams) request.query = { ...spec.query, ...options.queryParams };
  if (spec.body !== undefined) request.body = spec.body;
  if (spec.retrySafe) request.retrySafe = true;
  if (options.headers) request.headers = options.headers;
  if (options.signal) request.signal = options.signal;
  if (options.timeout !== undefined) request.timeout = options.timeout;
  if (options.maxResponseBytes !== undefined) request.maxResponseBytes = options.maxResponseBytes;
  return request;
}

function definedOnly(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}
