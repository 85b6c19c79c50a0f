// One line per log entry on stderr: JSON in production (for log shippers), readable otherwise
// (`<ISO time> herald <level>: <message>`, then `name=value` fields). Entries below the configured
// level (HERALD_LOG_LEVEL) are dropped before anything is formatted. Payloads, secrets and keys are
// never logged. While a span is active (telemetry on), a line carries its `trace_id`.
import { activeTraceId } from './telemetry/tracing.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  json: boolean;
  /** The least severe level written; default info. */
  level?: LogLevel;
  /** Errors only (the CLI's one-shot commands), whatever the level. */
  quiet?: boolean;
  /** Where lines go (each ends with a newline); default stderr. */
  write?: (line: string) => void;
  now?: () => Date;
}

export function createLogger(options: LoggerOptions): Logger {
  const least = LOG_LEVELS.indexOf(options.quiet ? 'error' : (options.level ?? 'info'));
  const out = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const at = (level: LogLevel) => {
    if (LOG_LEVELS.indexOf(level) < least) return () => undefined;
    return (message: string, fields?: LogFields) => {
      const time = now().toISOString();
      // A line about something traced elsewhere (a delivery of a published event) names its own trace.
      const traceId = fields?.trace_id === undefined ? activeTraceId() : undefined;
      const all = traceId === undefined ? fields : { ...fields, trace_id: traceId };
      out(`${options.json ? JSON.stringify({ time, level, message, ...all }) : `${time} herald ${level}: ${message}${all ? formatFields(all) : ''}`}\n`);
    };
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** ` name=value …`: strings bare unless they hold spaces or quotes, anything else as JSON. */
function formatFields(fields: LogFields): string {
  let text = '';
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const shown = typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value instanceof Date ? value.toISOString() : value);
    text += ` ${name}=${shown}`;
  }
  return text;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
