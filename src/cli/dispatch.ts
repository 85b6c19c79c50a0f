// From argv to one command of the table: its words (with a suggestion when they name none), its
// `--help`, its parsed flags and arguments, and the domain's validation errors told in the flags
// the user typed.
import type { HeraldConfig } from '../config/config.ts';
import { ValidationError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { parseCommandLine, UsageError } from './args.ts';
import { COMMANDS, SERVE, type Command } from './command-table.ts';
import { commandHelp, globalHelp, groupHelp } from './help.ts';
import { closest } from './suggest.ts';

export type Resolution =
  | { kind: 'help'; text: string; code: number }
  | { kind: 'command'; command: Command; rest: string[] };

const BY_NAME = new Map(COMMANDS.map((command) => [command.name, command]));
const GROUPS = new Set(COMMANDS.filter((command) => command.name.includes(' ')).map((command) => command.name.split(' ')[0]!));
const isHelp = (word: string) => word === '--help' || word === '-h';

/** The command `words` start with, or a usage error with the nearest command. */
function lookUp(words: readonly string[]): { command: Command; used: number } | { group: string } {
  const [first, second] = words;
  const two = second !== undefined && !second.startsWith('-') ? BY_NAME.get(`${first} ${second}`) : undefined;
  if (two) return { command: two, used: 2 };
  const one = BY_NAME.get(first!);
  if (one) return { command: one, used: 1 };
  if (GROUPS.has(first!) && (second === undefined || second.startsWith('-'))) return { group: first! };
  const typed = second !== undefined && !second.startsWith('-') ? `${first} ${second}` : first!;
  const members = GROUPS.has(first!) ? COMMANDS.filter((command) => command.name.startsWith(`${first} `)).map((command) => command.name) : [];
  const suggestion =
    (members.length > 0 ? closest(typed, members) : null) ??
    (typed.includes(' ') ? closest(typed, BY_NAME.keys()) : null) ??
    closest(first!, [...COMMANDS.filter((command) => !command.name.includes(' ')).map((command) => command.name), ...GROUPS]);
  const hint = suggestion ? `; did you mean "${suggestion}"?` : members.length > 0 ? `; herald ${first} has ${members.join(', ')}` : '';
  throw new UsageError(`unknown command "${typed}"${hint} (see herald help)`);
}

export function resolve(argv: readonly string[]): Resolution {
  if (argv.length === 0) return { kind: 'help', text: globalHelp(COMMANDS), code: 2 };
  const first = argv[0]!;
  if (first === 'help' || isHelp(first)) {
    const words = argv.slice(1).filter((word) => !isHelp(word));
    if (words.length === 0) return { kind: 'help', text: globalHelp(COMMANDS), code: 0 };
    const found = lookUp(words);
    return { kind: 'help', text: 'group' in found ? groupHelp(found.group, COMMANDS) : commandHelp(found.command), code: 0 };
  }
  if (first.startsWith('-')) throw new UsageError(`unknown flag ${first} before the command: flags follow it, as in herald org list --json (see herald help)`);
  const found = lookUp(argv);
  if ('group' in found) {
    if (argv.slice(1).some(isHelp)) return { kind: 'help', text: groupHelp(found.group, COMMANDS), code: 0 };
    const members = COMMANDS.filter((command) => command.name.startsWith(`${found.group} `)).map((command) => command.name);
    throw new UsageError(`${found.group} needs a command: ${members.join(', ')} (see herald ${found.group} --help)`);
  }
  const rest = argv.slice(found.used);
  if (rest.some(isHelp)) return { kind: 'help', text: commandHelp(found.command), code: 0 };
  return { kind: 'command', command: found.command, rest };
}

/** A ValidationError's field, as the user gave it: `--expires`, `--scope`, `<slug>`. */
function asTyped(command: Command, field: string): string {
  const kebab = field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  for (const name of [field, kebab, field.replace(/s$/, ''), kebab.replace(/-in-seconds$/, '')]) {
    if (name in command.flags) return `--${name}`;
    if (command.arguments.some((argument) => argument.name === name)) return `<${name}>`;
  }
  return field;
}

export async function runCommand(command: Command, rest: readonly string[], open: () => { config: HeraldConfig; log: Logger }): Promise<number | typeof SERVE> {
  const parsed = parseCommandLine(command, rest);
  const { config, log } = open();
  try {
    return await command.run({ parsed, config, log, print: (text) => process.stdout.write(`${text}\n`) });
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new UsageError(error.fields.map((field) => `${field.path.length > 0 ? asTyped(command, field.path[0]!) : command.name}: ${field.message}`).join('; '));
    }
    throw error;
  }
}
