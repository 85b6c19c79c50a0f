// `npm run docs:cli`: writes docs/cli.md from the command table. test/processes/cli.test.ts fails
// while the file differs.
import { writeFileSync } from 'node:fs';
import { COMMANDS } from './command-table.ts';
import { cliMarkdown } from './help.ts';

if (import.meta.main) {
  writeFileSync(new URL('../../docs/cli.md', import.meta.url), cliMarkdown(COMMANDS));
  console.log('wrote docs/cli.md');
}
