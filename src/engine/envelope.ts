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

/**
 * The headers whose values an attempt's record never keeps: the signature, credentials, and the
 * endpoint's custom headers (sealed at rest like secrets, since they usually carry a token).
 */
export function secretHeaderNames(signature: Record<string, string>, customHeaders: ReadonlyArray<{ name: string }>): ReadonlySet<string> {
  return new Set(['authorization', 'proxy-authorization', ...Object.keys(signature), ...customHeaders.map((header) => header.name)].map((name) => name.toLowerCase()));
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
