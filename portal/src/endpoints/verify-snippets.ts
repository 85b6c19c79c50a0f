// The verification code the portal shows for each signature scheme: whole programs a customer can
// save, install and run (a small HTTP receiver that answers 204 to a valid webhook and 401 to the
// rest), using only what a public registry serves — `standardwebhooks` for Standard Webhooks, the
// language's own crypto for the HMAC schemes, node:crypto or `cryptography` for Ed25519. test/portal/snippets.test.ts runs each Node program,
// and the HMAC Python ones, against real signed deliveries.
// By path, not the portal's @herald/sdk alias: test/portal/snippets.test.ts imports this file too.
import type { SignatureScheme } from '../../../sdk/src/index.ts';

export type SnippetLanguage = 'node' | 'python';

export interface Snippet {
  /** What to install first, or null when the language's standard library is enough. */
  install: string | null;
  /** The file name the first lines suggest (`node verify-webhooks.mjs`). */
  fileName: string;
  /** The variable the program reads its key from: the secret, or for Ed25519 the public key. */
  keyVariable: 'WEBHOOK_SECRET' | 'WEBHOOK_PUBLIC_KEY';
  code: string;
}

/**
 * The program for `scheme`. `signatureHeader` is the header the HMAC schemes sign in: wire
 * protocol set by the deployment, so it is printed as it is, under the name "the signature header".
 */
export function verifySnippet(language: SnippetLanguage, scheme: SignatureScheme, signatureHeader: string): Snippet {
  const header = signatureHeader.toLowerCase();
  if (scheme === 'STANDARD_WEBHOOKS_ED25519') return language === 'node' ? nodeEd25519Snippet() : pythonEd25519Snippet();
  return { keyVariable: 'WEBHOOK_SECRET', ...(language === 'node' ? nodeSnippet(scheme, header) : pythonSnippet(scheme, header)) };
}

const NODE_FILE = 'verify-webhooks.mjs';
const PYTHON_FILE = 'verify_webhooks.py';

const nodeReceive = (check: string) => `createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    // The body exactly as received: re-serialized JSON would not match the signature.
    const body = Buffer.concat(chunks);
${check}
  });
}).listen(Number(process.env.PORT ?? 3000));`;

const pythonServe = (check: string) => `class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        # The body exactly as received: re-serialized JSON would not match the signature.
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
${check}

    def answer(self, status):
        self.send_response(status)
        self.end_headers()


HTTPServer(("", int(os.environ.get("PORT", "3000"))), Receiver).serve_forever()`;

/** Standard Webhooks' v1a: checked with the public key alone, so the receiver keeps no secret. */
function nodeEd25519Snippet(): Snippet {
  return {
    install: null,
    fileName: NODE_FILE,
    keyVariable: 'WEBHOOK_PUBLIC_KEY',
    code: `// Receives webhooks and checks their Ed25519 signature (Standard Webhooks v1a).
// Install: nothing (node:crypto and node:http are built in)
// Run:     WEBHOOK_PUBLIC_KEY='whpk_…' PORT=3000 node ${NODE_FILE}
import { createPublicKey, verify } from 'node:crypto';
import { createServer } from 'node:http';

const TOLERANCE_SECONDS = 300;
// The public key is whpk_ followed by its 32 bytes in base64, as the endpoint's page lists it.
const raw = Buffer.from(process.env.WEBHOOK_PUBLIC_KEY.replace(/^whpk_/, ''), 'base64');
const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });

// webhook-signature: v1a,<base64 Ed25519 signature of "<webhook-id>.<webhook-timestamp>.<body>">
// [ v1a,… while keys rotate]
function isValid(body, headers) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  if (!id || !/^\\d+$/.test(timestamp ?? '') || Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const signed = Buffer.concat([Buffer.from(\`\${id}.\${timestamp}.\`), body]);
  return (headers['webhook-signature'] ?? '').split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    return version === 'v1a' && signature !== undefined && verify(null, signed, key, Buffer.from(signature, 'base64'));
  });
}

${nodeReceive(`    if (isValid(body, request.headers)) {
      const event = JSON.parse(body.toString('utf8'));
      console.log(\`verified \${request.headers['webhook-id']}: \${event.type}\`);
      // Handle event.type and event.data here, once per webhook-id (a retry repeats it).
      response.writeHead(204).end();
    } else {
      console.log('rejected: bad signature');
      response.writeHead(401).end();
    }`)}
`,
  };
}

function pythonEd25519Snippet(): Snippet {
  return {
    install: 'pip install cryptography',
    fileName: PYTHON_FILE,
    keyVariable: 'WEBHOOK_PUBLIC_KEY',
    code: `# Receives webhooks and checks their Ed25519 signature (Standard Webhooks v1a).
# Install: pip install cryptography
# Run:     WEBHOOK_PUBLIC_KEY='whpk_…' PORT=3000 python3 ${PYTHON_FILE}
import base64, json, os, time
from http.server import BaseHTTPRequestHandler, HTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

TOLERANCE_SECONDS = 300
# The public key is whpk_ followed by its 32 bytes in base64, as the endpoint's page lists it.
KEY = Ed25519PublicKey.from_public_bytes(base64.b64decode(os.environ["WEBHOOK_PUBLIC_KEY"].removeprefix("whpk_")))


# webhook-signature: v1a,<base64 Ed25519 signature of "<webhook-id>.<webhook-timestamp>.<body>">
# [ v1a,… while keys rotate]
def is_valid(body, headers):
    webhook_id, timestamp = headers.get("webhook-id"), headers.get("webhook-timestamp") or ""
    if not webhook_id or not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    for entry in (headers.get("webhook-signature") or "").split(" "):
        version, _, signature = entry.partition(",")
        if version != "v1a":
            continue
        try:
            KEY.verify(base64.b64decode(signature), signed)
            return True
        except (InvalidSignature, ValueError):
            pass
    return False


${pythonServe(`        if not is_valid(body, self.headers):
            print("rejected: bad signature", flush=True)
            return self.answer(401)
        event = json.loads(body)
        print(f"verified {self.headers['webhook-id']}: {event['type']}", flush=True)
        # Handle event["type"] and event["data"] here, once per webhook-id (a retry repeats it).
        self.answer(204)`)}
`,
  };
}

function nodeSnippet(scheme: SignatureScheme, header: string): Omit<Snippet, 'keyVariable'> {
  const receive = nodeReceive;
  if (scheme === 'STANDARD_WEBHOOKS') {
    return {
      install: 'npm install standardwebhooks',
      fileName: NODE_FILE,
      code: `// Receives webhooks and checks their Standard Webhooks signature.
// Install: npm install standardwebhooks
// Run:     WEBHOOK_SECRET='whsec_…' PORT=3000 node ${NODE_FILE}
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const webhook = new Webhook(process.env.WEBHOOK_SECRET);

${receive(`    try {
      // Checks webhook-id, webhook-timestamp (at most 5 minutes old) and webhook-signature.
      const event = webhook.verify(body.toString('utf8'), request.headers);
      console.log(\`verified \${request.headers['webhook-id']}: \${event.type}\`);
      // Handle event.type and event.data here, once per webhook-id (a retry repeats it).
      response.writeHead(204).end();
    } catch (error) {
      console.log(\`rejected: \${error.message}\`);
      response.writeHead(401).end();
    }`)}
`,
    };
  }
  const timestamped = scheme === 'HMAC_SHA256_TIMESTAMPED';
  const verify = timestamped
    ? `// The signature header: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">[,v1=… while a secret rotates]
function isValid(body, signatureHeader) {
  const parts = (signatureHeader ?? '').split(',').map((part) => part.split('='));
  const t = parts.find(([name]) => name === 't')?.[1];
  if (!t || Math.abs(Date.now() / 1000 - Number(t)) > TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', key).update(\`\${t}.\`).update(body).digest();
  return parts.some(([name, value]) => name === 'v1' && sameBytes(Buffer.from(value ?? '', 'hex'), expected));
}`
    : `// The signature header: <hex HMAC-SHA256 of the body>[,<another> while a secret rotates]
function isValid(body, signatureHeader) {
  const expected = createHmac('sha256', key).update(body).digest();
  return (signatureHeader ?? '').split(',').some((value) => sameBytes(Buffer.from(value, 'hex'), expected));
}`;
  return {
    install: null,
    fileName: NODE_FILE,
    code: `// Receives webhooks and checks their HMAC-SHA256 signature${timestamped ? ' and timestamp' : ''}.
// Install: nothing (node:crypto and node:http are built in)
// Run:     WEBHOOK_SECRET='whsec_…' PORT=3000 node ${NODE_FILE}
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const SIGNATURE_HEADER = '${header}';
${timestamped ? 'const TOLERANCE_SECONDS = 300;\n' : ''}// The secret is whsec_ followed by the key in base64.
const key = Buffer.from(process.env.WEBHOOK_SECRET.replace(/^whsec_/, ''), 'base64');

function sameBytes(a, b) {
  return a.length === b.length && timingSafeEqual(a, b);
}

${verify}

${receive(`    if (isValid(body, request.headers[SIGNATURE_HEADER])) {
      const event = JSON.parse(body.toString('utf8'));
      console.log(\`verified \${event.id}: \${event.type}\`);
      // Handle event.type and event.data here, once per event.id (a retry repeats it).
      response.writeHead(204).end();
    } else {
      console.log('rejected: bad signature');
      response.writeHead(401).end();
    }`)}
`,
  };
}

function pythonSnippet(scheme: SignatureScheme, header: string): Omit<Snippet, 'keyVariable'> {
  const serve = pythonServe;
  if (scheme === 'STANDARD_WEBHOOKS') {
    return {
      install: 'pip install standardwebhooks',
      fileName: PYTHON_FILE,
      code: `# Receives webhooks and checks their Standard Webhooks signature.
# Install: pip install standardwebhooks
# Run:     WEBHOOK_SECRET='whsec_…' PORT=3000 python3 ${PYTHON_FILE}
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook

webhook = Webhook(os.environ["WEBHOOK_SECRET"])


${serve(`        try:
            # Checks webhook-id, webhook-timestamp (at most 5 minutes old) and webhook-signature.
            event = webhook.verify(body, dict(self.headers))
        except Exception as error:
            print(f"rejected: {error}", flush=True)
            return self.answer(401)
        print(f"verified {self.headers['webhook-id']}: {event['type']}", flush=True)
        # Handle event["type"] and event["data"] here, once per webhook-id (a retry repeats it).
        self.answer(204)`)}
`,
    };
  }
  const timestamped = scheme === 'HMAC_SHA256_TIMESTAMPED';
  const verify = timestamped
    ? `# The signature header: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">[,v1=… while a secret rotates]
def is_valid(body, signature_header):
    parts = [part.split("=", 1) for part in (signature_header or "").split(",") if "=" in part]
    t = next((value for name, value in parts if name == "t"), None)
    if t is None or not t.isdigit() or abs(time.time() - int(t)) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(KEY, f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return any(name == "v1" and hmac.compare_digest(value, expected) for name, value in parts)`
    : `# The signature header: <hex HMAC-SHA256 of the body>[,<another> while a secret rotates]
def is_valid(body, signature_header):
    expected = hmac.new(KEY, body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(value, expected) for value in (signature_header or "").split(","))`;
  return {
    install: null,
    fileName: PYTHON_FILE,
    code: `# Receives webhooks and checks their HMAC-SHA256 signature${timestamped ? ' and timestamp' : ''}.
# Install: nothing (the standard library is enough)
# Run:     WEBHOOK_SECRET='whsec_…' PORT=3000 python3 ${PYTHON_FILE}
import base64, hashlib, hmac, json, os${timestamped ? ', time' : ''}
from http.server import BaseHTTPRequestHandler, HTTPServer

SIGNATURE_HEADER = "${header}"
${timestamped ? 'TOLERANCE_SECONDS = 300\n' : ''}# The secret is whsec_ followed by the key in base64.
KEY = base64.b64decode(os.environ["WEBHOOK_SECRET"].removeprefix("whsec_"))


${verify}


${serve(`        if not is_valid(body, self.headers.get(SIGNATURE_HEADER)):
            print("rejected: bad signature", flush=True)
            return self.answer(401)
        event = json.loads(body)
        print(f"verified {event['id']}: {event['type']}", flush=True)
        # Handle event["type"] and event["data"] here, once per event["id"] (a retry repeats it).
        self.answer(204)`)}
`,
  };
}
