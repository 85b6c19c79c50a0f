// The integrator's brand and look for the portal: a product name and a theme. Both come from the
// integrator (a session's input, or the embed link's parameters, which anyone holding the link can
// edit), so both are untrusted when they reach a page: only values this grammar accepts are ever
// written into a style, and the portal checks them again with these same functions. No imports, so
// the portal bundles this file as it is.

export const BRAND_NAME_MAX = 60;
export const RADIUS_MAX_PX = 24;
const FONT_FAMILY_MAX = 200;
const FONT_FAMILIES_MAX = 8;

export interface PortalTheme {
  /** Buttons, links, the current tab: #rgb or #rrggbb. */
  accent?: string | null;
  /** The page behind everything; its lightness decides the light or dark palette. */
  background?: string | null;
  /** The text; must read against the background at 4.5:1 (WCAG AA). */
  foreground?: string | null;
  /** Corner radius of buttons, fields and cards, in CSS pixels. */
  radiusPx?: number | null;
  /** A CSS font-family list of installed or generic families; no URL, so no font is fetched. */
  fontFamily?: string | null;
}

export interface ThemeIssue {
  /** The theme's field at fault (accent, background, …), or [] for the brand name. */
  path: string[];
  message: string;
}

const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const GENERIC_FAMILIES = new Set(['serif', 'sans-serif', 'monospace', 'cursive', 'fantasy', 'system-ui', 'ui-serif', 'ui-sans-serif', 'ui-monospace', 'ui-rounded']);
// A family name of words (letters, digits, spaces, hyphens), bare or in quotes: nothing that could
// end the declaration (; } ), open a function (url(), var()) or escape (\) gets through.
const FAMILY_NAME = /^(?:[A-Za-z][A-Za-z0-9 -]*|"[A-Za-z0-9 -]+"|'[A-Za-z0-9 -]+')$/;
// Allowed in a brand name: printable text; no control, format (bidi overrides) or line characters.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export function isHexColour(value: string): boolean {
  return HEX_COLOUR.test(value);
}

/** The brand name trimmed, or why it is refused; null/blank means "no brand" (neutral words). */
export function checkBrandName(value: string | null | undefined): { ok: true; value: string | null } | { ok: false; message: string } {
  if (value == null) return { ok: true, value: null };
  if (UNPRINTABLE.test(value)) return { ok: false, message: 'must be plain text on one line: no line breaks, control or formatting characters' };
  const name = value.trim().replace(/ {2,}/g, ' ');
  if (name === '') return { ok: true, value: null };
  if ([...name].length > BRAND_NAME_MAX) return { ok: false, message: `must be at most ${BRAND_NAME_MAX} characters` };
  return { ok: true, value: name };
}

/** The font-family list normalized (one space after each comma), or null when it is not one. */
export function parseFontFamily(value: string): string | null {
  if (value.length > FONT_FAMILY_MAX) return null;
  const families = value.split(',').map((family) => family.trim().replace(/\s+/g, ' '));
  if (families.length > FONT_FAMILIES_MAX) return null;
  for (const family of families) {
    if (!GENERIC_FAMILIES.has(family.toLowerCase()) && !FAMILY_NAME.test(family)) return null;
  }
  return families.join(', ');
}

/** WCAG relative luminance of a hex colour. */
export function luminance(hex: string): number {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join('') : hex.slice(1);
  const channel = (i: number) => {
    const c = parseInt(digits.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

export function contrastRatio(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/**
 * The theme with colours lower-cased and the font list normalized, or every problem at once.
 * Absent and null fields are left to the portal's defaults.
 */
export function checkPortalTheme(theme: PortalTheme): { ok: true; theme: PortalTheme } | { ok: false; issues: ThemeIssue[] } {
  const issues: ThemeIssue[] = [];
  const checked: PortalTheme = {};
  for (const field of ['accent', 'background', 'foreground'] as const) {
    const value = theme[field];
    if (value == null) continue;
    if (isHexColour(value)) checked[field] = value.toLowerCase();
    else issues.push({ path: [field], message: 'must be a hex colour such as #1a73e8 or #fff' });
  }
  if (theme.radiusPx != null) {
    if (Number.isInteger(theme.radiusPx) && theme.radiusPx >= 0 && theme.radiusPx <= RADIUS_MAX_PX) checked.radiusPx = theme.radiusPx;
    else issues.push({ path: ['radiusPx'], message: `must be a whole number of pixels from 0 to ${RADIUS_MAX_PX}` });
  }
  if (theme.fontFamily != null) {
    const family = parseFontFamily(theme.fontFamily);
    if (family) checked.fontFamily = family;
    else {
      issues.push({
        path: ['fontFamily'],
        message: `must be a CSS font-family list of at most ${FONT_FAMILIES_MAX} families (names of letters, digits, spaces and hyphens, or generic families such as sans-serif), at most ${FONT_FAMILY_MAX} characters`,
      });
    }
  }
  // With only one of the two given, the other is the portal's default of the matching palette;
  // only a pair the integrator set is checked here (the portal checks what it derives).
  if (checked.background && checked.foreground && contrastRatio(checked.background, checked.foreground) < 4.5) {
    issues.push({ path: ['foreground'], message: `must contrast with the background at least 4.5:1 (WCAG AA); it is ${contrastRatio(checked.background, checked.foreground).toFixed(2)}:1` });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, theme: checked };
}
