// How a receiver checks this endpoint's signatures, for its scheme.
import { useId, useState } from 'react';
import type { SignatureScheme } from '@herald/sdk';

function nodeSnippet(scheme: SignatureScheme): string {
  return `import { verifyWebhook, WebhookVerificationError } from '@herald/sdk/webhooks';

// rawBody: the request body exactly as received (a string or bytes, not re-serialized JSON)
try {
  const webhook = verifyWebhook(rawBody, request.headers, process.env.HERALD_SECRET, { scheme: '${scheme}' });
  // handle webhook.type and webhook.data, once per webhook.id
} catch (error) {
  if (error instanceof WebhookVerificationError) return respond(401, error.reason);
  throw error;
}`;
}

function pythonSnippet(scheme: SignatureScheme): string {
  if (scheme === 'STANDARD_WEBHOOKS') {
    return `# pip install standardwebhooks
from standardwebhooks.webhooks import Webhook

wh = Webhook(os.environ["HERALD_SECRET"])
# raw_body: the request body as received; headers: the request headers
payload = wh.verify(raw_body, headers)  # raises on a bad signature or an old timestamp`;
  }
  const message = scheme === 'HMAC_SHA256_TIMESTAMPED' ? 'f"{t}.".encode() + raw_body' : 'raw_body';
  const parse =
    scheme === 'HMAC_SHA256_TIMESTAMPED'
      ? `parts = dict(p.split("=", 1) for p in headers["X-Herald-Signature"].split(","))
t, signature = parts["t"], parts["v1"]
if abs(time.time() - int(t)) > 300:
    raise ValueError("too old")`
      : `signature = headers["X-Herald-Signature"]`;
  return `import base64, hashlib, hmac, os, time

secret = base64.b64decode(os.environ["HERALD_SECRET"].removeprefix("whsec_"))
${parse}
expected = hmac.new(secret, ${message}, hashlib.sha256).hexdigest()
if not hmac.compare_digest(expected, signature):
    raise ValueError("bad signature")`;
}

export function VerifySnippet({ scheme }: { scheme: SignatureScheme }) {
  const [language, setLanguage] = useState<'node' | 'python'>('node');
  const id = useId();
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Verify the signature</h2>
      <div className="field inline">
        <label htmlFor={`${id}-language`}>Language</label>
        <select id={`${id}-language`} value={language} onChange={(e) => setLanguage(e.currentTarget.value === 'python' ? 'python' : 'node')}>
          <option value="node">Node.js (@herald/sdk)</option>
          <option value="python">Python{scheme === 'STANDARD_WEBHOOKS' ? ' (standardwebhooks)' : ''}</option>
        </select>
      </div>
      <pre tabIndex={0} aria-label={`Verification code, ${language === 'node' ? 'Node.js' : 'Python'}`}>
        {language === 'node' ? nodeSnippet(scheme) : pythonSnippet(scheme)}
      </pre>
    </section>
  );
}
