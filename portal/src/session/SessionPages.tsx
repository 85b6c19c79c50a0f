// What a person sees without a working link: never a blank page or a raw error.
import type { SessionEnd } from './errors.ts';

const ENDED: Record<SessionEnd, { title: string; text: string }> = {
  EXPIRED: { title: 'This link has expired', text: 'Portal links work for a limited time, so an old link cannot be used by someone else.' },
  REVOKED: { title: 'This link has been revoked', text: 'The link was switched off, so it no longer opens the webhooks portal.' },
  INVALID: { title: 'This link does not work', text: 'The link is incomplete or not a webhooks portal link.' },
};

export function SessionEnded({ why }: { why: SessionEnd }) {
  const words = ENDED[why];
  return (
    <main className="portal narrow">
      <h1>{words.title}</h1>
      <p>{words.text}</p>
      <p>
        To get a new link, open the webhooks settings again from the application that sent you here. If you arrived from an email or a
        bookmark, sign in to that application and open its webhooks page.
      </p>
    </main>
  );
}

export function LinkMissing() {
  return (
    <main className="portal narrow">
      <h1>Open the webhooks portal from your application</h1>
      <p>This page manages your webhooks, but it needs a personal link to know who you are.</p>
      <p>
        Open the webhooks or developer settings of the application you use, and follow its link to this portal. The link signs you in for a
        limited time; it is not a page you can bookmark.
      </p>
    </main>
  );
}
