// Certificate authorities and certificates made with openssl for a test, in a folder of its own:
// a CA for receivers' server certificates, one for clients' certificates, and a stranger CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pem {
  cert: string;
  key: string;
}

export interface TestPki {
  /** Signs `server` (for 127.0.0.1 and localhost). */
  serverCa: Pem;
  server: Pem;
  /** Signs `client` and `expiredClient`; a receiver requiring mTLS trusts it. */
  clientCa: Pem;
  client: Pem;
  /** Expired yesterday. */
  expiredClient: Pem;
  /** Signed by a CA the receiver does not trust. */
  strangerClient: Pem;
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'herald-pki-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string): Pem => {
    openssl('req', '-x509', ...ecKey, '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`);
    return { cert: read(`${name}.pem`), key: read(`${name}.key`) };
  };
  const signed = (name: string, by: string, days: number, extensions: string): Pem => {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl('req', ...ecKey, '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${by}.pem`, '-CAkey', `${by}.key`, '-CAcreateserial', '-days', String(days), '-extfile', `${name}.ext`, '-out', `${name}.pem`);
    return { cert: read(`${name}.pem`), key: read(`${name}.key`) };
  };
  try {
    const serverCa = ca('server-ca');
    const clientCa = ca('client-ca');
    ca('stranger-ca');
    return {
      serverCa,
      server: signed('receiver', 'server-ca', 1, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'),
      clientCa,
      client: signed('herald-client', 'client-ca', 1, 'extendedKeyUsage=clientAuth\n'),
      expiredClient: signed('expired-client', 'client-ca', -1, 'extendedKeyUsage=clientAuth\n'),
      strangerClient: signed('stranger-client', 'stranger-ca', 1, 'extendedKeyUsage=clientAuth\n'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
