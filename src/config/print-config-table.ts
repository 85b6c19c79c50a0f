// `npm run docs:config`: writes docs/configuration.md's table from CONFIG_VARIABLES, between its
// markers. test/config/config.test.ts fails while that copy differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { configTableMarkdown } from './config.ts';

export const CONFIG_TABLE_START = '<!-- configuration table: npm run docs:config -->';
export const CONFIG_TABLE_END = '<!-- end of configuration table -->';

/** The README with its configuration table replaced; null when the markers are missing. */
export function withConfigTable(readme: string): string | null {
  const start = readme.indexOf(CONFIG_TABLE_START);
  const end = readme.indexOf(CONFIG_TABLE_END);
  if (start < 0 || end < start) return null;
  return `${readme.slice(0, start + CONFIG_TABLE_START.length)}\n${configTableMarkdown()}\n${readme.slice(end)}`;
}

if (import.meta.main) {
  const path = new URL('../../docs/configuration.md', import.meta.url);
  const updated = withConfigTable(readFileSync(path, 'utf8'));
  if (updated === null) throw new Error(`docs/configuration.md has no "${CONFIG_TABLE_START}" … "${CONFIG_TABLE_END}" markers`);
  writeFileSync(path, updated);
  console.log('wrote the configuration table of docs/configuration.md');
}
