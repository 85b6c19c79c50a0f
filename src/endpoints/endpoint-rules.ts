// Every rule SPEC sets on an endpoint's fields, as one pure check that reports all problems at
// once. Host names are not resolved here: the address that matters is checked at connect time.
import type { FieldIssue } from '../errors.ts';
import { checkAddress, isLocalHostname, isLoopbackAddress, type PrivateNetworks } from '../engine/address-policy.ts';
import { isEventTypePattern, matchesEventType } from '../engine/fan-out.ts';
import { isHeaderFieldValue, isHeaderToken } from '../engine/header-grammar.ts';
import { RATE_LIMIT_BOUNDS } from '../engine/rate-limit.ts';
import { filterMeter, PUBLISH_FILTER_BUDGET } from '../engine/filter-cost.ts';
import { explainMismatchWithin, parsePayloadFilter, type ParseResult } from '../engine/payload-filter.ts';

export interface EndpointHeader {
  name: string;
  value: string;
}

/** The fields an API caller may set; on update every one is optional. */
export interface EndpointInput {
  url?: string | null | undefined;
  name?: string | null | undefined;
  description?: string | null | undefined;
  eventTypes?: string[] | null | undefined;
  projects?: string[] | null | undefined;
  headers?: EndpointHeader[] | null | undefined;
  /** A payload filter; null removes it (unlike the fields above, where null means "not given"). */
  filter?: unknown;
  /** Null removes the limit (unlimited); absent leaves it as it is. */
  rateLimit?: RateLimitInput | null | undefined;
}

export interface RateLimitInput {
  perSecond: number;
  burst?: number | null | undefined;
}

export interface RulesContext {
  /** Names of the event types in the catalog. */
  catalog: ReadonlySet<string>;
  allowPrivateNetworks: PrivateNetworks;
  signatureHeader: string;
}

/** Checked fields; absent ones were not given (update) or default (create). */
export interface CheckedEndpointFields {
  url?: string;
  name?: string;
  description?: string;
  eventTypes?: string[];
  projects?: string[];
  headers?: EndpointHeader[];
  /** Null: unlimited. A null burst is one second of the limit (src/engine/rate-limit.ts). */
  rateLimit?: { perSecond: number; burst: number | null } | null;
  /** The filter as given (it passed parsePayloadFilter), or null to remove it. */
  filter?: unknown;
}

export type RulesResult<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

export const LIMITS = {
  urlLength: 2048,
  nameLength: 255,
  descriptionLength: 1000,
  eventTypes: 100,
  projects: 50,
  projectLength: 100,
  headers: 50,
  headerNameLength: 255,
  headerValueLength: 4096,
} as const;

// Header names and values follow RFC 9110 as Node's client enforces it (../engine/header-grammar.ts):
// a header it refuses (ERR_INVALID_CHAR) failed every delivery until the endpoint was disabled, so
// it is refused here, when it is set. Values are refused, not trimmed, with whitespace at either end.
// Headers are sent from a plain object keyed by lower-case name: "__proto__" set its prototype
// (the header vanished), and the other names it inherits would be read back as functions.
const OBJECT_PROPERTY_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype'].map((name) => name.toLowerCase()));
const PROJECT = /^[A-Za-z0-9_.:-]+$/;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
const SET_BY_HERALD = new Set(['host', 'content-type', 'content-length', 'user-agent']);

export function validateEndpointCreate(
  input: EndpointInput,
  context: RulesContext,
): RulesResult<CheckedEndpointFields & { url: string; eventTypes: string[] }> {
  const issues: FieldIssue[] = [];
  if (input.url == null) issues.push({ path: ['url'], message: 'is required' });
  if (input.eventTypes == null) issues.push({ path: ['eventTypes'], message: 'is required: list at least one event type or *' });
  const checked = validateEndpointUpdate(input, context);
  if (!checked.ok) issues.push(...checked.issues);
  if (issues.length > 0 || !checked.ok) return { ok: false, issues };
  const { url, eventTypes } = checked.value;
  return { ok: true, value: { ...checked.value, url: url!, eventTypes: eventTypes! } };
}

export function validateEndpointUpdate(input: EndpointInput, context: RulesContext): RulesResult<CheckedEndpointFields> {
  const issues: FieldIssue[] = [];
  const value: CheckedEndpointFields = {};
  if (input.url != null) {
    const checked = checkUrl(input.url, context.allowPrivateNetworks);
    if ('problem' in checked) issues.push({ path: ['url'], message: checked.problem });
    else value.url = checked.url;
  }
  if (input.name != null) {
    const name = input.name.trim();
    if (name.length < 1 || name.length > LIMITS.nameLength) {
      issues.push({ path: ['name'], message: `must be 1–${LIMITS.nameLength} characters` });
    } else value.name = name;
  }
  if (input.description != null) {
    if (input.description.length > LIMITS.descriptionLength) {
      issues.push({ path: ['description'], message: `must be at most ${LIMITS.descriptionLength} characters` });
    } else value.description = input.description;
  }
  if (input.eventTypes != null) {
    const found = eventTypeIssues(input.eventTypes, context.catalog);
    if (found.length > 0) issues.push(...found);
    else value.eventTypes = input.eventTypes;
  }
  if (input.projects != null) {
    const found = projectIssues(input.projects);
    if (found.length > 0) issues.push(...found);
    else value.projects = input.projects;
  }
  if (input.headers != null) {
    const found = headerIssues(input.headers, context.signatureHeader);
    if (found.length > 0) issues.push(...found);
    else value.headers = input.headers.map(({ name, value: headerValue }) => ({ name, value: headerValue }));
  }
  if (input.rateLimit !== undefined) {
    const found = input.rateLimit === null ? [] : rateLimitIssues(input.rateLimit);
    if (found.length > 0) issues.push(...found);
    else value.rateLimit = input.rateLimit === null ? null : { perSecond: input.rateLimit.perSecond, burst: input.rateLimit.burst ?? null };
  }
  if (input.filter === null) value.filter = null;
  else if (input.filter !== undefined) {
    const parsed = parsePayloadFilter(input.filter);
    if (parsed.ok) value.filter = input.filter;
    else issues.push(...filterIssues(parsed));
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
}

function rateLimitIssues({ perSecond, burst }: RateLimitInput): FieldIssue[] {
  const { perSecondMax, burstSecondsMax } = RATE_LIMIT_BOUNDS;
  if (!Number.isInteger(perSecond) || perSecond < 1 || perSecond > perSecondMax) {
    return [{ path: ['rateLimit', 'perSecond'], message: `must be a whole number of deliveries per second from 1 to ${perSecondMax}` }];
  }
  const burstMax = perSecond * burstSecondsMax;
  if (burst != null && (!Number.isInteger(burst) || burst < 1 || burst > burstMax)) {
    return [{ path: ['rateLimit', 'burst'], message: `must be a whole number from 1 to ${burstMax} (${burstSecondsMax} seconds of the limit)` }];
  }
  return [];
}

/**
 * Whether a sample payload passes a filter, as fan-out would decide it, and if not, the condition
 * that failed. Paths start at `filter`, like the issues of a filter set on an endpoint.
 */
export function testPayloadFilter(filter: unknown, payload: unknown): RulesResult<{ matches: boolean; reason: FieldIssue | null }> {
  const parsed = parsePayloadFilter(filter);
  if (!parsed.ok) return { ok: false, issues: filterIssues(parsed) };
  // The budget of a publish call: a sample that publishing would refuse is refused here too.
  const mismatch = explainMismatchWithin(parsed.filter, payload, filterMeter(PUBLISH_FILTER_BUDGET));
  if (mismatch === 'over-budget') {
    return { ok: false, issues: [{ path: ['payload'], message: `evaluating the filter over it takes more than ${PUBLISH_FILTER_BUDGET} comparisons, the budget of one publish call (docs/payload-filters.md, "Cost")` }] };
  }
  return { ok: true, value: { matches: mismatch === null, reason: mismatch && { path: ['filter', ...mismatch.path], message: mismatch.message } } };
}

function filterIssues(parsed: ParseResult & { ok: false }): FieldIssue[] {
  return parsed.issues.map((issue) => ({ path: ['filter', ...issue.path], message: issue.message }));
}

/**
 * The URL in its WHATWG form (`http://2130706433/` → `http://127.0.0.1/`), which is what is stored,
 * shown and sent to, so the host the address policy judged here is the host every request names.
 */
export function checkUrl(text: string, allowPrivateNetworks: PrivateNetworks): { url: string } | { problem: string } {
  const problem = urlProblem(text, allowPrivateNetworks);
  return typeof problem === 'string' ? { problem } : { url: problem.href };
}

function urlProblem(text: string, allowPrivateNetworks: PrivateNetworks): string | URL {
  if (text.length > LIMITS.urlLength) return `must be at most ${LIMITS.urlLength} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL such as https://example.com/webhooks';
  }
  if (url.href.length > LIMITS.urlLength) return `must be at most ${LIMITS.urlLength} characters once normalized (${url.href.length})`;
  const literal = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const isIpLiteral = /^[\d.]+$/.test(literal) || literal.includes(':');
  const isLoopbackHost = isLocalHostname(url.hostname) || (isIpLiteral && isLoopbackAddress(literal));
  // Loopback mode lets plain http reach this machine only: a receiver a developer runs locally
  // has no certificate, while anything beyond the machine keeps needing https.
  const httpAllowed = allowPrivateNetworks === true || (allowPrivateNetworks === 'loopback' && isLoopbackHost);
  // These words reach the integrator's customers (the portal shows them next to the URL field), so
  // they say what the customer can change, never the deployment setting behind them
  // (HERALD_ALLOW_PRIVATE_NETWORKS, docs/configuration.md).
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `must start with https:// (${url.protocol}// addresses cannot receive webhooks)`;
  }
  if (url.protocol === 'http:' && !httpAllowed) {
    return allowPrivateNetworks === 'loopback'
      ? 'must start with https:// (plain http:// is accepted only for a receiver on the same machine as the webhook service, such as http://localhost:3000)'
      : 'must start with https:// (webhooks are sent only to https:// addresses)';
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.hash) return 'must not contain a #fragment';
  if (!url.hostname) return 'must name a host';
  if (isLocalHostname(url.hostname)) {
    return allowPrivateNetworks !== false ? url : `must not point to ${url.hostname} (a loopback host)`;
  }
  if (isIpLiteral) {
    const verdict = checkAddress(literal, { allowPrivateNetworks });
    if (!verdict.allowed) return `must not point to a refused address: ${verdict.reason}`;
  }
  return url;
}

function eventTypeIssues(patterns: string[], catalog: ReadonlySet<string>): FieldIssue[] {
  if (patterns.length === 0) return [{ path: ['eventTypes'], message: 'must list at least one event type, or *' }];
  if (patterns.length > LIMITS.eventTypes) return [{ path: ['eventTypes'], message: `must list at most ${LIMITS.eventTypes}` }];
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  patterns.forEach((pattern, index) => {
    const path = ['eventTypes', String(index)];
    if (seen.has(pattern)) issues.push({ path, message: `"${pattern}" is listed twice` });
    seen.add(pattern);
    if (!isEventTypePattern(pattern)) {
      issues.push({ path, message: `"${pattern}" is not an event type, * or a prefix wildcard such as conversation.*` });
    } else if (pattern !== '*' && ![...catalog].some((name) => matchesEventType(pattern, name))) {
      issues.push({
        path,
        message: pattern.endsWith('.*') ? `"${pattern}" matches no event type in the catalog` : `"${pattern}" is not in the event catalog`,
      });
    }
  });
  return issues;
}

function projectIssues(projects: string[]): FieldIssue[] {
  if (projects.length > LIMITS.projects) return [{ path: ['projects'], message: `must list at most ${LIMITS.projects}` }];
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  projects.forEach((project, index) => {
    const path = ['projects', String(index)];
    if (project.length < 1 || project.length > LIMITS.projectLength || !PROJECT.test(project)) {
      issues.push({ path, message: `must be 1–${LIMITS.projectLength} characters of letters, digits, _ . : -` });
    } else if (seen.has(project)) issues.push({ path, message: `"${project}" is listed twice` });
    seen.add(project);
  });
  return issues;
}

function headerIssues(headers: EndpointHeader[], signatureHeader: string): FieldIssue[] {
  if (headers.length > LIMITS.headers) return [{ path: ['headers'], message: `must list at most ${LIMITS.headers} headers` }];
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  headers.forEach(({ name, value }, index) => {
    const lower = name.toLowerCase();
    const namePath = ['headers', String(index), 'name'];
    if (name.length < 1 || name.length > LIMITS.headerNameLength || !isHeaderToken(name)) {
      issues.push({ path: namePath, message: `must be 1–${LIMITS.headerNameLength} header token characters (letters, digits, !#$%&'*+-.^_\`|~)` });
    } else if (OBJECT_PROPERTY_NAMES.has(lower)) {
      issues.push({ path: namePath, message: `${name} is reserved and cannot be used as a header name` });
    } else if (SET_BY_HERALD.has(lower) || lower.startsWith('webhook-') || lower === signatureHeader.toLowerCase()) {
      issues.push({ path: namePath, message: `${name} is set by the webhook service and cannot be overridden` });
    } else if (HOP_BY_HOP.has(lower) || lower.startsWith('proxy-')) {
      issues.push({ path: namePath, message: `${name} is a connection-level header and cannot be set` });
    } else if (seen.has(lower)) {
      issues.push({ path: namePath, message: `${name} is listed twice` });
    }
    seen.add(lower);
    if (value.length < 1 || value.length > LIMITS.headerValueLength || !isHeaderFieldValue(value)) {
      issues.push({
        path: ['headers', String(index), 'value'],
        message: `must be 1–${LIMITS.headerValueLength} visible ASCII characters, with spaces or tabs only between them (no control characters, no non-ASCII)`,
      });
    }
  });
  return issues;
}
