// The services every request gets, assembled in one place for the processes and the tests alike.
import type { HeraldConfig } from '../config/config.ts';
import type { Db } from '../db/prisma.ts';
import type { EncryptionKey } from '../endpoints/secret-box.ts';
import { createEndpointVerifier } from '../endpoints/verification.ts';
import type { AppServices } from '../graphql/context.ts';
import type { DeliveryQueue } from '../jobs/queue.ts';
import { changeSourceOf, type ChangeSource } from '../pubsub/changes.ts';
import { USER_AGENT } from '../version.ts';

/** The longest an echo challenge may take, whatever the delivery timeout. */
const MAX_VERIFICATION_MS = 10_000;

export function createAppServices(
  db: Db,
  config: HeraldConfig,
  encryptionKey: EncryptionKey,
  queue: DeliveryQueue,
  // Processes that serve no subscriptions get a local, silent feed.
  changes: ChangeSource = changeSourceOf(new EventTarget()),
): AppServices {
  return {
    db,
    config,
    encryptionKey,
    encryptionKeys: [encryptionKey],
    queue,
    changes,
    verifyEndpoint: createEndpointVerifier({
      timeoutMs: Math.min(config.deliveryTimeoutMs, MAX_VERIFICATION_MS),
      allowPrivateNetworks: config.allowPrivateNetworks,
      userAgent: USER_AGENT,
    }),
  };
}
