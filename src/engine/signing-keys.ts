// Which of an endpoint's keys sign now: the current one, then the previous one while its rotation
// grace lasts. One decision for both sides of a key: the worker applies it to the sealed secrets it
// signs with, the API and the public JWKS to the public keys they list, so a receiver is never told
// of a key that does not sign, nor left without one that does.

export interface EndpointKeys<T> {
  current: T;
  previous: T | null;
  previousExpiresAt: Date | null;
}

export function keysThatSign<T>(keys: EndpointKeys<T>, now: Date): T[] {
  const signing = [keys.current];
  if (keys.previous !== null && keys.previousExpiresAt !== null && keys.previousExpiresAt > now) signing.push(keys.previous);
  return signing;
}
