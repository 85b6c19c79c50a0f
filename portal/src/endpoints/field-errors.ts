// A ValidationError names its fields by path (`["url"]`, `["input", "headers", "1", "value"]`); each
// message goes next to the control it names, and what names no control goes at the top.
import type { FieldIssue } from '@herald/sdk';

export const FORM_FIELDS = ['url', 'name', 'description', 'eventTypes', 'projects', 'headers', 'signatureScheme', 'secret', 'verify'] as const;
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
    if (!field) general.push(issue.message);
    else byField[field] = byField[field] ? `${byField[field]} ${issue.message}` : issue.message;
  }
  if (issues.length === 0) general.push(fallback);
  return { byField, general };
}
