// The machine's limit for the ratios: the same receiver process loaded by a bare keep-alive
// client (undici) with the same signed bodies Herald sends, and no database.
import { createHmac, randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import type { BenchReceiver } from '../support/receiver.ts';
import { nowMs } from '../support/stats.ts';

export async function measureCeiling(receiver: BenchReceiver, requests: number): Promise<{ requestsPerSecond: number }> {
  await receiver.reset();
  const pool = new Pool(receiver.origin, { connections: 64, pipelining: 1 });
  const key = randomBytes(32);
  let sent = 0;
  const started = nowMs();
  const worker = async () => {
    while (sent < requests) {
      const id = `evt_${(sent++).toString(16).padStart(32, '0')}`;
      const body = JSON.stringify({ id, type: 'bench.event', timestamp: new Date().toISOString(), data: { sentAt: nowMs(), seq: sent } });
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
      const response = await pool.request({
        path: '/ceiling',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` },
        body,
      });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`the receiver answered ${response.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: 200 }, worker));
  const seconds = (nowMs() - started) / 1000;
  await pool.close();
  const { unique } = await receiver.stats();
  if (unique !== requests) throw new Error(`ceiling: ${unique} of ${requests} requests arrived`);
  return { requestsPerSecond: requests / seconds };
}
