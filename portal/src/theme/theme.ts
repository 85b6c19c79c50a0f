// The portal's look: light, dark or the OS setting, in the integrator's colours, radius and font.
// Those come from the session (CreatePortalSessionInput.theme) and from the embed link's
// parameters, which anyone holding the link can edit; so every value passes the same grammar the
// API checks (src/portal/portal-theme.ts) and only what passes is ever written into a style, as a
// custom property the stylesheet reads. Colours are then held readable: text at 4.5:1 on the page.
import { checkPortalTheme, contrastRatio, isHexColour, luminance, parseFontFamily, RADIUS_MAX_PX, type PortalTheme } from '../../../src/portal/portal-theme.ts';

export type ThemeChoice = 'light' | 'dark' | 'system';
export type { PortalTheme };

export function parseTheme(value: string | null): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function parseColour(value: string | null): string | null {
  return value !== null && isHexColour(value) ? value.toLowerCase() : null;
}

export function parseRadius(value: string | null): number | null {
  if (value === null || !/^\d{1,2}$/.test(value)) return null;
  const radius = Number(value);
  return radius <= RADIUS_MAX_PX ? radius : null;
}

export function parseFont(value: string | null): string | null {
  return value === null ? null : parseFontFamily(value);
}

/** The fields of `theme` that pass the API's own check, one by one (a bad one drops only itself). */
export function safeTheme(theme: PortalTheme | null | undefined): PortalTheme {
  const safe: PortalTheme = {};
  if (!theme) return safe;
  for (const field of ['accent', 'background', 'foreground', 'radiusPx', 'fontFamily'] as const) {
    const checked = checkPortalTheme({ [field]: theme[field] });
    if (checked.ok) Object.assign(safe, checked.theme);
  }
  return safe;
}

// The palettes of portal.css, for the contrast checks of colours set over them.
const PALETTE = {
  light: { bg: '#ffffff', text: '#1b1f24', accentText: '#0b57d0', danger: '#b3261e', ok: '#146c2e', warn: '#8a5300' },
  dark: { bg: '#121417', text: '#e8eaed', accentText: '#9ecbff', danger: '#ff8a80', ok: '#81c995', warn: '#fdd663' },
} as const;

const PROPERTIES = ['--accent', '--on-accent', '--accent-text', '--focus', '--bg', '--surface', '--text', '--muted', '--border', '--danger', '--ok', '--warn', '--radius', '--radius-large', '--font-family'];

const state: { choice: ThemeChoice; link: PortalTheme; session: PortalTheme } = { choice: 'system', link: {}, session: {} };
let media: MediaQueryList | null = null;

/** Applies the link's look to <html> and keeps `system` in step with the OS setting. */
export function applyTheme(choice: ThemeChoice, link: PortalTheme): () => void {
  state.choice = choice;
  state.link = safeTheme(link);
  media = window.matchMedia('(prefers-color-scheme: dark)');
  paint();
  media.addEventListener('change', paint);
  return () => media?.removeEventListener('change', paint);
}

/** The session's theme, under the link's: a field the link sets wins. */
export function applySessionTheme(theme: PortalTheme | null): void {
  state.session = safeTheme(theme);
  paint();
}

function paint(): void {
  const root = document.documentElement;
  const theme: PortalTheme = { ...state.session, ...definedFields(state.link) };
  const dark = theme.background
    ? luminance(theme.background) < 0.18
    : theme.foreground
      ? luminance(theme.foreground) > 0.18
      : state.choice === 'dark' || (state.choice === 'system' && (media?.matches ?? false));
  root.dataset['theme'] = dark ? 'dark' : 'light';
  for (const property of PROPERTIES) root.style.removeProperty(property);
  const palette = dark ? PALETTE.dark : PALETTE.light;
  const bg = theme.background ?? palette.bg;
  // A foreground that does not read on the page (the API refuses such a pair; a link may not) gives way.
  const text = theme.foreground && contrastRatio(theme.foreground, bg) >= 4.5 ? theme.foreground : readableText(palette.text, bg);
  const set = (property: string, value: string) => root.style.setProperty(property, value);
  if (theme.background || text !== palette.text) {
    set('--bg', bg);
    set('--text', text);
    set('--surface', mix(bg, text, 0.05));
    set('--border', mix(bg, text, 0.3));
    const muted = mix(text, bg, 0.25);
    set('--muted', contrastRatio(muted, bg) >= 4.5 ? muted : text);
    for (const name of ['danger', 'ok', 'warn'] as const) {
      if (contrastRatio(palette[name], bg) < 4.5) set(`--${name}`, text);
    }
  }
  const accent = theme.accent;
  if (accent) {
    set('--accent', accent);
    set('--focus', accent);
    set('--on-accent', readableOn(accent));
  }
  // Where the accent colours text it is kept only when it reads against the page (4.5:1).
  const accentText = accent ?? palette.accentText;
  if (accent || theme.background) set('--accent-text', contrastRatio(accentText, bg) >= 4.5 ? accentText : contrastRatio(palette.accentText, bg) >= 4.5 ? palette.accentText : text);
  if (theme.radiusPx != null) {
    set('--radius', `${theme.radiusPx}px`);
    set('--radius-large', `${theme.radiusPx}px`);
  }
  if (theme.fontFamily) set('--font-family', theme.fontFamily);
}

function definedFields(theme: PortalTheme): PortalTheme {
  return Object.fromEntries(Object.entries(theme).filter(([, value]) => value != null)) as PortalTheme;
}

/** The palette's text on the page, or black or white when it does not read there. */
function readableText(preferred: string, bg: string): string {
  return contrastRatio(preferred, bg) >= 4.5 ? preferred : readableOn(bg);
}

/** Black or white, whichever contrasts more with the colour (WCAG relative luminance). */
function readableOn(hex: string): string {
  return luminance(hex) > 0.179 ? '#000000' : '#ffffff';
}

/** `from` moved `amount` (0–1) of the way to `to`, per channel. */
function mix(from: string, to: string, amount: number): string {
  const [a, b] = [channels(from), channels(to)];
  return `#${a.map((c, i) => Math.round(c + (b[i]! - c) * amount).toString(16).padStart(2, '0')).join('')}`;
}

function channels(hex: string): number[] {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join('') : hex.slice(1);
  return [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16));
}
