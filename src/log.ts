// One line per log entry on stderr, JSON in production (for log shippers), readable otherwise.
// Payloads, secrets and keys are never logged.

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(options: { json: boolean; quiet?: boolean }): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (options.quiet && level !== 'error') return;
    const line = options.json
      ? JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })
      : `herald ${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`;
    process.stderr.write(`${line}\n`);
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
