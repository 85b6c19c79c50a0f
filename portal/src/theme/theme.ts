// Theme and accent come from the embedding page's link, so they are untrusted input: the theme is
// one of three words and the accent a hex colour, nothing else reaches a style.
export type ThemeChoice = 'light' | 'dark' | 'system';

const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export function parseTheme(value: string | null): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function parseAccent(value: string | null): string | null {
  return value !== null && HEX_COLOUR.test(value) ? value.toLowerCase() : null;
}

/** Applies the theme to <html> and keeps `system` in step with the OS setting. */
export function applyTheme(choice: ThemeChoice, accent: string | null): () => void {
  const root = document.documentElement;
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = () => {
    const dark = choice === 'dark' || (choice === 'system' && media.matches);
    root.dataset['theme'] = dark ? 'dark' : 'light';
    if (accent) {
      root.style.setProperty('--accent', accent);
      root.style.setProperty('--on-accent', readableOn(accent));
      root.style.setProperty('--accent-text', accentText(accent, dark));
    }
  };
  apply();
  media.addEventListener('change', apply);
  return () => media.removeEventListener('change', apply);
}

/** Black or white, whichever contrasts more with the colour (WCAG relative luminance). */
function readableOn(hex: string): string {
  return luminance(hex) > 0.179 ? '#000000' : '#ffffff';
}

/** The accent where it colours text: kept only when it reads against the page (4.5:1). */
function accentText(hex: string, dark: boolean): string {
  const page = dark ? 0.012 : 1; // luminance of the page background in each theme
  const l = luminance(hex);
  const ratio = (Math.max(l, page) + 0.05) / (Math.min(l, page) + 0.05);
  if (ratio >= 4.5) return hex;
  return dark ? '#9ecbff' : '#0b57d0';
}

function luminance(hex: string): number {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join('') : hex.slice(1);
  const channel = (i: number) => {
    const c = parseInt(digits.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}
