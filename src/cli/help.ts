// The help pages and docs/cli.md, drawn from the command table so that neither can drift from
// what the parser accepts.
import type { Command } from './command-table.ts';

/** The summary as a sentence, and the notes after it. */
function sentence(command: Command): string {
  return `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.${command.notes ? ` ${command.notes}` : ''}`;
}

function flagLines(command: Command): string[] {
  return Object.entries(command.flags).map(([name, spec]) => {
    const left = `  --${name}${spec.value ? ` <${spec.value}>` : ''}`;
    const notes = [spec.required ? 'required' : '', spec.multiple ? 'repeatable' : ''].filter(Boolean).join(', ');
    return `${left.padEnd(26)} ${spec.summary}${notes ? ` (${notes})` : ''}`;
  });
}

/** `herald <command> --help`. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: ${command.usage}`, '', sentence(command)];
  if (command.arguments.length > 0) {
    lines.push('', 'Arguments:', ...command.arguments.map((argument) => `${`  <${argument.name}>`.padEnd(26)} ${argument.summary}`));
  }
  lines.push('', 'Flags:', ...flagLines(command), '', 'Example:', `  herald ${command.example}`);
  return lines.join('\n');
}

/** `herald help`: every command with its summary. */
export function globalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return [
    'Usage: herald <command> [arguments] [flags]',
    '',
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    'herald <command> --help shows a command\'s arguments, flags and an example; reads take --json.',
    'Configuration is read from environment variables: see docs/configuration.md. Every command: docs/cli.md.',
  ].join('\n');
}

/** `herald key --help`: the commands of one group. */
export function groupHelp(group: string, commands: readonly Command[]): string {
  const members = commands.filter((command) => command.name.startsWith(`${group} `));
  return ['Usage:', ...members.map((command) => `  ${command.usage}`), '', `herald ${group} <command> --help for one of them.`].join('\n');
}

/** docs/cli.md, whole (npm run docs:cli writes it; test/processes/cli.test.ts checks it). */
export function cliMarkdown(commands: readonly Command[]): string {
  const lines = [
    '# The `herald` command',
    '',
    '<!-- Generated from src/cli/command-table.ts by `npm run docs:cli`; a test fails while it differs. -->',
    '',
    'From a checkout, run a command as `npm run --silent herald -- <command>` (the `herald` below).',
    'Every command reads its configuration from environment variables ([configuration.md](configuration.md)),',
    'opens the database as the server does (applying migrations first), prints its result on stdout and its',
    'logs on stderr, so `KEY=$(herald key create --org acme)` captures just the key. Reads (`list`, `show`)',
    'print a table, or JSON with `--json`. Ids are the API\'s global ids (`ep_…`, `evt_…`, `dlv_…`, `key_…`).',
    'A usage error (an unknown command or flag, a missing or extra argument, a bad value) prints one line',
    'naming what was typed, with the nearest real command or flag when there is one, and exits 2.',
    '`herald <command> --help` prints a command\'s page.',
    '',
    '| Command | What it does |',
    '|---|---|',
    ...commands.map((command) => `| [\`herald ${command.name}\`](#herald-${command.name.replaceAll(' ', '-')}) | ${command.summary} |`),
  ];
  for (const command of commands) {
    lines.push('', `## herald ${command.name}`, '', sentence(command), '', '```sh', command.usage, '```', '');
    for (const argument of command.arguments) lines.push(`- \`<${argument.name}>\`: ${argument.summary}`);
    for (const [name, spec] of Object.entries(command.flags)) {
      if (name === 'help') continue;
      const notes = [spec.required ? 'required' : '', spec.multiple ? 'repeatable' : ''].filter(Boolean).join(', ');
      lines.push(`- \`--${name}${spec.value ? ` <${spec.value}>` : ''}\`: ${spec.summary}${notes ? ` (${notes})` : ''}`);
    }
    if (command.arguments.length > 0 || Object.keys(command.flags).length > 1) lines.push('');
    else if (`herald ${command.example}` === command.usage) lines.pop();
    if (`herald ${command.example}` !== command.usage) lines.push('Example:', '', '```sh', `herald ${command.example}`, '```');
  }
  return `${lines.join('\n')}\n`;
}
