// A ValidationError names its fields by path (`["url"]`, `["input", "headers", "1", "value"]`); each
// message goes next to the control it names, and what names no control goes at the top.
import type { FieldIssue } from '@herald/sdk';

export const FORM_FIELDS = ['url', 'name', 'description', 'eventTypes', 'projects', 'headers', 'filter', 'signatureScheme', 'secret', 'verify'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

export interface FieldErrors {
  byField: Partial<Record<FormField, string>>;
  general: string[];
}

export function fieldErrors(issues: readonly FieldIssue[], fallback: string): FieldErrors {
  const byField: Partial<Record<FormField, string>> = {};
  const general: string[] = [];
  for (const issue of issues) {
    const path = issue.path[0] === 'input' ? issue.path.slice(1) : issue.path;
    const field = FORM_FIELDS.find((name) => name === path[0]);
    // A filter's issues say where in the filter: ["filter", "$or", "1", "currency", "$in"].
    const message = field === 'filter' ? filterIssueText(path, issue.message) : issue.message;
    if (!field) general.push(message);
    else byField[field] = byField[field] ? `${byField[field]} ${message}` : message;
  }
  if (issues.length === 0) general.push(fallback);
  return { byField, general };
}

/** Where in the filter an issue is (`["filter", "$or", "1", "currency"]` → "$or › 1 › currency: …"). */
export function filterIssueText(path: readonly string[], message: string): string {
  const inner = path[0] === 'filter' ? path.slice(1) : path;
  return inner.length > 0 ? `${inner.join(' › ')}: ${message}` : message;
}
