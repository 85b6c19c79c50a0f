// The built-in event type testEndpoint sends, and its payload (SPEC "webhook.test is built in").
// The payload reaches the integrator's customers, so it names the integrator's product (a portal
// session's brandName) or nothing: never the webhook service behind it.

export const TEST_EVENT_TYPE = 'webhook.test';

/** What testEndpoint sends as `webhook.test`; the catalog shows it as the type's example. */
export function testEventPayload(brandName: string | null | undefined): { message: string } {
  return { message: brandName ? `A test webhook from ${brandName}.` : 'A test webhook.' };
}
