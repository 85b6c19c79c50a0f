// What an attempt's record keeps of the exchange, beside its status and body: the headers each way,
// the address connected to, and where the time went. The HTTP edge measures it; the record stores it.

export interface HeaderPair {
  name: string;
  value: string;
}

/** Milliseconds per phase; null for a phase that did not happen (a reused socket has no DNS, connect or TLS). */
export interface AttemptTimings {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  /** From the request sent to the answer's first byte: the receiver's time. */
  firstByteMs: number | null;
  totalMs: number;
}

export interface AttemptForensics {
  /** What was sent, in order, secret values replaced by REDACTED; null when no request was made. */
  requestHeaders: HeaderPair[] | null;
  /** What came back, in order, capped (RESPONSE_HEADERS_KEPT × HEADER_VALUE_KEPT); null without an answer. */
  responseHeaders: HeaderPair[] | null;
  /** The address the socket was connected to (the proxy's, behind HERALD_EGRESS_PROXY). */
  remoteAddress: string | null;
  timings: AttemptTimings | null;
}

export const RESPONSE_HEADERS_KEPT = 50;
export const HEADER_VALUE_KEPT = 1024;
export const REDACTED = '[redacted]';
