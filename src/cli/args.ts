// The command line of one CLI command, parsed against that command's own flags and arguments, so
// every mistake is named as the user typed it: an unknown flag (with the nearest real one), a
// missing value, a flag given twice, an argument too many.
import { didYouMean } from './suggest.ts';

export class UsageError extends Error {}

export interface FlagSpec {
  /** A placeholder for the value (`slug`, `N`); absent for a switch such as --json. */
  value?: string;
  /** May be given more than once; the values are collected in order. */
  multiple?: boolean;
  required?: boolean;
  summary: string;
  /** Throws a UsageError for a value that cannot be right, before the command opens anything. */
  check?: (typed: string, flag: string) => unknown;
}

export interface ArgumentSpec {
  name: string;
  required: boolean;
  summary: string;
  check?: (typed: string, argument: string) => unknown;
}

export interface ParsedArgs {
  /** Each flag given: its value, its values (multiple), or true (a switch). */
  flags: Map<string, string | string[] | true>;
  /** The arguments, by name. */
  args: Map<string, string>;
}

export interface CommandLine {
  /** The command's words as the user types them: `delivery retry`. */
  name: string;
  flags: Record<string, FlagSpec>;
  arguments: readonly ArgumentSpec[];
  usage: string;
}

/** `argv` is what follows the command's words. */
export function parseCommandLine(command: CommandLine, argv: readonly string[]): ParsedArgs {
  const flags = new Map<string, string | string[] | true>();
  const positionals: string[] = [];
  const known = Object.keys(command.flags).map((flag) => `--${flag}`);
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (onlyPositionals || !word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    if (word === '--') {
      onlyPositionals = true;
      continue;
    }
    const equals = word.indexOf('=');
    const typed = equals > 0 ? word.slice(0, equals) : word;
    const name = typed.replace(/^--?/, '');
    const spec = typed.startsWith('--') ? command.flags[name] : undefined;
    if (!spec) {
      throw new UsageError(`${command.name}: unknown flag ${typed}${didYouMean(typed, known)} (see herald ${command.name} --help)`);
    }
    let value: string | true;
    if (spec.value === undefined) {
      if (equals > 0) throw new UsageError(`${command.name}: ${typed} takes no value (got "${word.slice(equals + 1)}")`);
      value = true;
    } else if (equals > 0) {
      value = word.slice(equals + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(`${command.name}: ${typed} needs a value (${typed} <${spec.value}>)`);
      value = next;
      i++;
    }
    const before = flags.get(name);
    if (spec.multiple) {
      flags.set(name, [...((before as string[] | undefined) ?? []), value as string]);
    } else {
      if (before !== undefined) throw new UsageError(`${command.name}: ${typed} is given twice`);
      flags.set(name, value);
    }
  }
  for (const [name, spec] of Object.entries(command.flags)) {
    if (spec.required && !flags.has(name)) throw new UsageError(`${command.name}: --${name} is required; usage: ${command.usage}`);
  }
  const args = new Map<string, string>();
  command.arguments.forEach((argument, index) => {
    const value = positionals[index];
    if (value === undefined) {
      if (argument.required) throw new UsageError(`${command.name}: missing <${argument.name}>; usage: ${command.usage}`);
    } else {
      args.set(argument.name, value);
    }
  });
  const extra = positionals.slice(command.arguments.length);
  if (extra.length > 0) {
    const hint = command.arguments.length > 0 ? ' (quote a value that holds spaces)' : '';
    throw new UsageError(`${command.name}: unexpected argument "${extra[0]}"${hint}; usage: ${command.usage}`);
  }
  for (const [name, value] of flags) {
    const check = command.flags[name]!.check;
    if (check) for (const typed of [value].flat()) if (typeof typed === 'string') check(typed, `--${name}`);
  }
  for (const argument of command.arguments) {
    const value = args.get(argument.name);
    if (value !== undefined) argument.check?.(value, `<${argument.name}>`);
  }
  return { flags, args };
}
