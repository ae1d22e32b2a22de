// Types for ofconnect: the ES module (`import … from "ofconnect"`), the
// script-tag globals (`window.OFConnect`, `window.OnlyFansAPI`), the
// `<of-connect>` element and the `ofconnect:*` DOM events.

/** A client session token from `POST /api/client-sessions` (`ofapi_cs_…`). */
export type ClientSessionToken = `ofapi_cs_${string}`;

/** What `getSession` (or the `sessionUrl` endpoint) answers. */
export type SessionReply =
  | ClientSessionToken
  | {
      token: ClientSessionToken;
      /** When the token expires: RFC 3339 text or Unix milliseconds. */
      expiresAt?: string | number;
    };

/** The connected OnlyFans profile (snake_case, as the provider sends it). */
export interface OnlyFansProfile {
  id: number | string;
  username: string;
  email: string;
  avatar_url: string | null;
  name: string;
}

/** `onSuccess`'s argument with OnlyFansAPI (the default provider):
 * `@onlyfansapi/auth`'s `AuthSuccessData`. */
export interface AuthSuccess {
  /** The provider's id for the connected account (`acct_…`). */
  accountId: string;
  username: string;
  onlyfansData: OnlyFansProfile;
}

/** `onSuccess`'s argument with `provider: "ofauth"`: the Link page's success metadata. */
export interface LinkSuccess {
  successUrl: string | null;
  redirect: boolean;
  connection: {
    /** The connection id (`conn_…`): store it; the access API takes it. */
    id: string;
    userData: { id: number | string; name: string; username: string; avatar: string | null };
  };
}

/** The OFAuth Link step the user was on. */
export type LinkStep = "pre-login" | "login" | "2fa" | "success" | "error";

/** Every `code` an `onError` may carry. */
export type ErrorCode =
  | "invalid_token"
  | "invalid_options"
  | "auth_failed"
  | "session_used"
  | "unsupported_browser"
  | "session_timeout"
  | "session_fetch_failed"
  | "rate_limited"
  | "invalid_session_response"
  | "popup_blocked"
  | "popup_severed"
  | "provider_error"
  | "load_failed";

/** `onError`'s argument. */
export interface OFConnectError {
  code: ErrorCode;
  /** What went wrong and what to do, for developers (not for end users). */
  message: string;
  /** Whether trying again later may work. */
  retryable: boolean;
  /** With `rate_limited`: seconds to wait, when the endpoint said. */
  retryAfter?: number;
}

/** Why the flow closed. */
export type ExitReason =
  | "close_button"
  | "escape"
  | "host_close"
  | "continue"
  | "popup_closed"
  | "popup_severed"
  | "error"
  | "success"
  | "expired"
  | "user_exit"
  | "forced_exit";

/** `onExit`'s argument: the flow ended without success. */
export interface OFConnectExit {
  reason: Exclude<ExitReason, "success" | "expired">;
  /** (OFAuth) Where the user was when the Link page ended the flow. */
  step?: LinkStep;
}

/** Why a message was ignored (`message_rejected`). */
export type RejectReason = "origin_mismatch" | "source_mismatch" | "malformed" | "duplicate_outcome";

/** Lifecycle events: `onEvent(name, metadata)` and the `ofconnect:event` detail. */
export interface LifecycleEvents {
  session_requested: {};
  session_received: {};
  session_renewed: {};
  open: { surface: "modal" | "popup" | "inline" };
  popup_opened: {};
  popup_fallback: {};
  frame_loaded: {};
  close: { reason: ExitReason };
  message_rejected: { reason: RejectReason };
}
export type LifecycleEventName = keyof LifecycleEvents;
/** A lifecycle event as posted and dispatched: `{name, metadata}`. */
export type LifecycleEvent = {
  [N in LifecycleEventName]: { name: N; metadata: LifecycleEvents[N] };
}[LifecycleEventName];

export interface OFConnectCallbacks<S = AuthSuccess> {
  /** The provider's page is showing. */
  onReady?: () => void;
  /** The account was connected. Fires at most once per `open()`. */
  onSuccess?: (account: S) => void;
  /** Something went wrong; without `onError`, errors go to the console. */
  onError?: (error: OFConnectError) => void;
  /** The flow ended without success. */
  onExit?: (exit: OFConnectExit) => void;
  /** The session expired and could not be renewed. */
  onExpired?: () => void;
  /** Every lifecycle event, with a `timestamp` (ms) added to its metadata. */
  onEvent?: <N extends LifecycleEventName>(name: N, metadata: LifecycleEvents[N] & { timestamp: number }) => void;
}

interface CommonOptions<S = AuthSuccess> extends OFConnectCallbacks<S> {
  /** The provider's exact origin (default `https://app.onlyfansapi.com`, or
   * `https://link.ofauth.com` for OFAuth). */
  linkOrigin?: string;
  /** `"iframe"` (a modal, the default) or `"popup"`. */
  mode?: "iframe" | "popup";
  /** In popup mode: use the modal when the popup is blocked. */
  fallback?: "iframe";
  /** Show the flow inside this element (an onboarding page's section), not
   * in a modal: it fills the element (give it a height; at least 480 px). */
  container?: Element;
  /** Milliseconds the session source has to answer (1 to 120000; default 10000). */
  sessionTimeout?: number;
  /** Also post every host event to this window (a parent frame), at its exact origin. */
  forwardTo?: { window: Window; origin: string };
  /** Where the `ofconnect:*` DOM events are dispatched (default `document`). */
  eventTarget?: EventTarget;
  /** The modal's colour scheme (default `"light"`); `"auto"` follows
   * `prefers-color-scheme`. OFAuth's Link page gets it too. */
  theme?: OFConnectTheme;
  /** The language of the widget's own strings (default `"en"`); a region may
   * follow (`"pt-BR"`). The providers' pages take no language. */
  locale?: OFConnectLocale;
  /** The host's own text for any of the widget's strings. */
  labels?: OFConnectLabels;
}

/** The modal's colour schemes. */
export type OFConnectTheme = "light" | "dark" | "auto";
/** The languages the widget speaks. */
export type OFConnectLanguage = "en" | "es" | "fr" | "de" | "pt";
/** A language, with a region if you like (`"pt-BR"`). */
export type OFConnectLocale = OFConnectLanguage | `${OFConnectLanguage}-${string}`;

/** The widget's own strings, each a non-empty string. */
export interface OFConnectLabels {
  /** The modal's title (also the frame's and the popup's). */
  title?: string;
  /** The close button's accessible name. */
  close?: string;
  /** The loading state. */
  loading?: string;
}

/** A token, a session source, or both (the token is used first). */
type Sessions<T, R> =
  | { token: T; getSession?: never; sessionUrl?: never }
  | { token?: T; getSession: () => R | Promise<R>; sessionUrl?: never }
  | { token?: T; sessionUrl: string; getSession?: never };

/** What `POST /v2/link/init` answered (`{url, expiresAt}`), or just the Link URL. */
export type LinkSessionReply = string | { url: string; expiresAt?: string | number } | { token: string; expiresAt?: string | number };

/** Options for OnlyFansAPI (the default provider). */
export type OnlyFansApiOptions = CommonOptions<AuthSuccess> & { provider?: "onlyfansapi" } & Sessions<ClientSessionToken, SessionReply>;
/** Options for OFAuth Link: the session is a Link URL. */
export type OfAuthOptions = CommonOptions<LinkSuccess> & { provider: "ofauth" } & Sessions<string, LinkSessionReply>;
export type OFConnectOptions = OnlyFansApiOptions | OfAuthOptions;

export interface OFConnectHandle {
  /** Opens the flow. In popup mode, call it from a click handler, before any `await`. */
  open(): void;
  /** Closes the flow; `onExit({reason: "host_close"})` unless it succeeded. */
  close(): void;
  /** Removes everything the widget added; no callback fires afterwards. */
  destroy(): void;
}

export interface OFConnectStatic {
  /** Never throws: bad options are reported through `onError`. */
  create(options: OFConnectOptions): OFConnectHandle;
  /** Loads the widget ahead of time (it also loads on the first `create`). */
  load(): Promise<void>;
}
export declare const OFConnect: OFConnectStatic;

/** The `ofconnect:*` DOM events and their `detail`. */
export interface OFConnectEventMap {
  "ofconnect:ready": CustomEvent<null>;
  "ofconnect:success": CustomEvent<AuthSuccess | LinkSuccess>;
  "ofconnect:error": CustomEvent<OFConnectError>;
  "ofconnect:exit": CustomEvent<OFConnectExit>;
  "ofconnect:expired": CustomEvent<null>;
  "ofconnect:event": CustomEvent<LifecycleEvent>;
}
export type OFConnectEventName = keyof OFConnectEventMap;

/** `<of-connect session-url="/api/session" mode="popup">Connect OnlyFans</of-connect>`:
 * attributes `provider`, `theme`, `locale`, `token`, `session-url`, `link-origin`,
 * `mode`, `fallback`, `session-timeout`; callbacks as properties; events on the element.
 * Its button is the part `button`; it takes `--ofconnect-accent` and
 * `--ofconnect-radius`, and the element's font. */
export declare class OFConnectElement extends HTMLElement {
  onReady: OFConnectCallbacks["onReady"] | null;
  onSuccess: OFConnectCallbacks<AuthSuccess | LinkSuccess>["onSuccess"] | null;
  onError: OFConnectCallbacks["onError"] | null;
  onExit: OFConnectCallbacks["onExit"] | null;
  onExpired: OFConnectCallbacks["onExpired"] | null;
  onEvent: OFConnectCallbacks["onEvent"] | null;
  /** Overrides the `link-origin` attribute, which markup may set only to a
   * provider's origin or a loopback one; this property, set from script, may
   * name any origin. */
  linkOrigin?: string;
  /** Overrides the `session-url` attribute, which markup may set only to a
   * URL on the page's origin. */
  sessionUrl?: string;
  open(): void;
  close(): void;
  addEventListener<K extends keyof (OFConnectEventMap & HTMLElementEventMap)>(
    type: K,
    listener: (this: OFConnectElement, event: (OFConnectEventMap & HTMLElementEventMap)[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
}

// `@onlyfansapi/auth` 2.x, unchanged.
/** `@onlyfansapi/auth`'s name for the success payload. */
export type AuthSuccessData = AuthSuccess;
/** `@onlyfansapi/auth`'s failure: ofconnect's errors carry `message` too. */
export type AuthFailureError = OFConnectError;
export interface StartOnlyFansAuthenticationOptions {
  onSuccess: (data: AuthSuccessData) => void;
  onError: (error: AuthFailureError) => void;
  onContinue?: () => void;
}
export declare function startOnlyFansAuthentication(
  clientSessionToken: string,
  options: StartOnlyFansAuthenticationOptions,
): void;
export declare function closeOnlyFansAuthentication(): void;
/** ofconnect options for every `startOnlyFansAuthentication`, e.g. `{ linkOrigin }` for the sandbox. */
export declare function configureCompat(
  options: Omit<CommonOptions, keyof OFConnectCallbacks | "eventTarget">,
): void;

declare global {
  interface Window {
    OFConnect: OFConnectStatic;
    OnlyFansAPI: {
      Auth: {
        startOnlyFansAuthentication: typeof startOnlyFansAuthentication;
        closeOnlyFansAuthentication: typeof closeOnlyFansAuthentication;
      };
    };
  }
  interface HTMLElementTagNameMap {
    "of-connect": OFConnectElement;
  }
  interface DocumentEventMap extends OFConnectEventMap {}
  interface WindowEventMap extends OFConnectEventMap {}
}
