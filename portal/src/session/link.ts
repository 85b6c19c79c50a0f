// The portal link is `/portal/#token=…&theme=…&accent=…`. The fragment never reaches a server log
// or a Referer; it is read once, kept in sessionStorage (this tab only) and removed from the
// address bar so the token is not bookmarked, shared in a screenshot or left in history.
import { parseAccent, parseTheme, type ThemeChoice } from '../theme/theme.ts';

export interface PortalLink {
  token: string | null;
  theme: ThemeChoice;
  accent: string | null;
}

const KEYS = { token: 'herald.portal.token', theme: 'herald.portal.theme', accent: 'herald.portal.accent' } as const;

export function readPortalLink(): PortalLink {
  const hash = window.location.hash.replace(/^#/, '');
  const params = new URLSearchParams(hash.startsWith('/') ? '' : hash);
  const token = params.get('token');
  if (token !== null) {
    remember(KEYS.token, token.trim() || null);
    // A new link starts a new look too: what it does not say falls back to the defaults.
    remember(KEYS.theme, parseTheme(params.get('theme')));
    remember(KEYS.accent, parseAccent(params.get('accent')));
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/endpoints`);
  } else if (params.has('theme') || params.has('accent')) {
    if (params.has('theme')) remember(KEYS.theme, parseTheme(params.get('theme')));
    if (params.has('accent')) remember(KEYS.accent, parseAccent(params.get('accent')));
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/endpoints`);
  }
  return {
    token: recall(KEYS.token),
    theme: parseTheme(recall(KEYS.theme)),
    accent: parseAccent(recall(KEYS.accent)),
  };
}

export function forgetPortalLink(): void {
  for (const key of Object.values(KEYS)) remember(key, null);
}

function remember(key: string, value: string | null): void {
  try {
    if (value === null) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, value);
  } catch {
    // Storage refused (a sandboxed frame): the link still works until the tab is reloaded.
    fallback.set(key, value);
  }
}

const fallback = new Map<string, string | null>();

function recall(key: string): string | null {
  try {
    return window.sessionStorage.getItem(key) ?? fallback.get(key) ?? null;
  } catch {
    return fallback.get(key) ?? null;
  }
}
