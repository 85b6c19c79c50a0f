// The portal link is `/portal/#token=…&theme=…&accent=…&background=…&foreground=…&radius=…&font=…`.
// The fragment never reaches a server log or a Referer; it is read once, kept in sessionStorage
// (this tab only) and removed from the address bar so the token is not bookmarked, shared in a
// screenshot or left in history. The look's parameters are checked by theme.ts like any other input.
import { parseColour, parseFont, parseRadius, parseTheme, type PortalTheme, type ThemeChoice } from '../theme/theme.ts';

export interface PortalLink {
  token: string | null;
  theme: ThemeChoice;
  /** The look the link sets; the session's theme fills in the rest. */
  look: PortalTheme;
}

const KEYS = {
  token: 'portal.token',
  theme: 'portal.theme',
  accent: 'portal.accent',
  background: 'portal.background',
  foreground: 'portal.foreground',
  radius: 'portal.radius',
  font: 'portal.font',
} as const;

const LOOK_PARAMETERS = ['theme', 'accent', 'background', 'foreground', 'radius', 'font'] as const;

export function readPortalLink(): PortalLink {
  const hash = window.location.hash.replace(/^#/, '');
  const params = new URLSearchParams(hash.startsWith('/') ? '' : hash);
  const token = params.get('token');
  const fresh = token !== null;
  if (fresh) remember(KEYS.token, token.trim() || null);
  // A new link starts a new look too: what it does not say falls back to the defaults.
  for (const name of LOOK_PARAMETERS) if (fresh || params.has(name)) remember(KEYS[name], params.get(name));
  if (fresh || LOOK_PARAMETERS.some((name) => params.has(name))) {
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/endpoints`);
  }
  return {
    token: recall(KEYS.token),
    theme: parseTheme(recall(KEYS.theme)),
    look: {
      accent: parseColour(recall(KEYS.accent)),
      background: parseColour(recall(KEYS.background)),
      foreground: parseColour(recall(KEYS.foreground)),
      radiusPx: parseRadius(recall(KEYS.radius)),
      fontFamily: parseFont(recall(KEYS.font)),
    },
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
