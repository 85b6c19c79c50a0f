// De-risks the portal's payload filter field in a real Chromium against a real Herald: the sample
// payload starts as the chosen event type's example, "Test against sample" answers as publishing
// would (match, the failing condition, or each fault of a malformed filter with its place), a
// filter is saved with a new endpoint and shown on its page, a malformed one is refused next to
// the field with nothing saved, and emptying the box removes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortalHarness, type PortalHarness } from './browser.ts';

let harness: PortalHarness;

beforeAll(async () => {
  harness = await startPortalHarness();
  await harness.herald.db.eventType.create({
    data: { name: 'order.created', schema: { type: 'object', examples: [{ data: { amount: 42, currency: 'EUR' } }] } },
  });
});
afterAll(() => harness?.close());

// The browser asks the API for each outcome: on a machine running the whole suite that can take
// longer than expect.poll's default second.
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

describe('the payload filter field', () => {
  it('tests a filter against a sample, saves it with the endpoint, refuses a malformed one and removes it', async () => {
    const { client, dbId } = await harness.organization('filter-form');
    const { page, errors } = await harness.open((await harness.portalLink(client)).url);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint URL').fill('https://filters.example/hook');
    await page.getByLabel('Name', { exact: true }).fill('Big orders');
    await page.locator('summary', { hasText: 'Advanced' }).click();

    // The sample starts as the catalog's example of the chosen types.
    expect(JSON.parse(await page.getByLabel('Sample payload').inputValue())).toEqual({ data: { amount: 42, currency: 'EUR' } });
    const outcome = page.locator('.filter-outcome');
    const test = () => page.getByRole('button', { name: 'Test against sample' }).click();

    await page.getByLabel('Filter (JSON)').fill('{"data.amount": {"$gte": 100}}');
    await test();
    await poll(() => outcome.textContent()).toBe('Does not match, so this event would not be delivered: data.amount is 42, not at least 100');
    await page.getByLabel('Filter (JSON)').fill('{"$or": [{"data.currency": "USD"}, {"data.currency": "GBP"}]}');
    await test();
    await poll(() => outcome.textContent()).toBe(
      'Does not match, so this event would not be delivered: $or: None of its 2 alternatives matched; the first failed because: data.currency is "EUR", not equal to "USD"',
    );
    await page.getByLabel('Filter (JSON)').fill('{"data.amount": {"$gte": 100}}');
    await page.getByLabel('Sample payload').fill('{"data": {"amount": 150}}');
    await test();
    await poll(() => outcome.textContent()).toBe('Matches: this event would be delivered.');

    await page.getByLabel('Filter (JSON)').fill('{"$or": [{"currency": {"$in": "USD"}}], "amount": {"$gte": true}}');
    await test();
    await poll(() => outcome.textContent()).toBe('$or › 0 › currency › $in: must be an array of values, such as ["USD", "GBP"]amount › $gte: must be a number or a string');
    await page.getByLabel('Filter (JSON)').fill('{"data.amount": ');
    await test();
    await poll(() => outcome.textContent()).toMatch(/^The filter is not valid JSON/);

    // Saved with the endpoint, and shown on its page.
    await page.getByLabel('Filter (JSON)').fill('{"data.amount": {"$gte": 100}}');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByLabel('I have stored the secret').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Big orders' }).waitFor();
    await poll(() => page.getByLabel('Payload filter').textContent()).toBe('{"data.amount":{"$gte":100}}');
    const row = () => harness.herald.db.endpoint.findFirstOrThrow({ where: { organizationId: dbId } });
    expect((await row()).filter).toEqual({ 'data.amount': { $gte: 100 } });

    // A malformed filter is refused next to the field, and nothing is saved.
    await page.getByRole('link', { name: 'Edit' }).click();
    expect(JSON.parse(await page.getByLabel('Filter (JSON)').inputValue())).toEqual({ 'data.amount': { $gte: 100 } });
    await page.getByLabel('Filter (JSON)').fill('{"data.amount": {"$between": [1, 2]}}');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await poll(() => page.locator('#filter-error').textContent()).toMatch(/^data\.amount › \$between: \$between is not an operator/);
    expect((await row()).filter).toEqual({ 'data.amount': { $gte: 100 } });

    // An empty box removes the filter.
    await page.getByLabel('Filter (JSON)').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Big orders' }).waitFor();
    await poll(async () => (await row()).filter).toBeNull();
    expect(errors).toEqual([]);
  });
});
