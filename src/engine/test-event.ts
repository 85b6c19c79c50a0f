// The built-in event type testEndpoint sends, and its payload (SPEC "webhook.test is built in").

export const TEST_EVENT_TYPE = 'webhook.test';

/** What testEndpoint sends as `webhook.test`; the catalog shows it as the type's example. */
export const TEST_EVENT_PAYLOAD = { message: 'A test webhook from Herald.' } as const;
