// What a receiver gets: the JSON envelope and the headers around it.

export function buildEnvelope(event: { id: string; type: string; createdAt: Date; payload: unknown; test?: boolean }): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    data: event.payload,
    ...(event.test ? { _test: true } : {}),
  });
}

/** The endpoint's custom headers first; Herald's own are set last so none can be overridden. */
export function deliveryHeaders(input: {
  messageId: string;
  timestampSeconds: number;
  userAgent: string;
  customHeaders: ReadonlyArray<{ name: string; value: string }>;
  signature: Record<string, string>;
}): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { name, value } of input.customHeaders) headers[name.toLowerCase()] = value;
  return {
    ...headers,
    'content-type': 'application/json',
    'user-agent': input.userAgent,
    'webhook-id': input.messageId,
    'webhook-timestamp': String(input.timestampSeconds),
    ...Object.fromEntries(Object.entries(input.signature).map(([name, value]) => [name.toLowerCase(), value])),
  };
}
