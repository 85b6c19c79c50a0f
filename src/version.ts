import { readFileSync } from 'node:fs';

/** Herald's version, from package.json: sent in User-Agent so receivers can tell who calls. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export const USER_AGENT = `Herald-Webhooks/${VERSION}`;
