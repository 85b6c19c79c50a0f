// What a screen must satisfy at any width, measured in the real browser: nothing reaches past the
// viewport (so there is no sideways scroll), lists do not hide columns behind a scrollbar, the tabs
// sit on one line, and axe finds nothing serious.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** Serious or critical axe violations, one line each (empty when clean). */
export async function axeProblems(page: Page, screen: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${screen}: ${violation.id} (${violation.impact}) ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

export interface WidthReport {
  scrollWidth: number;
  innerWidth: number;
  /** Elements whose right edge is past the viewport, outside any scroll container that fits in it. */
  overflowing: string[];
  /** Scroll containers (other than code blocks) whose content is wider than they are. */
  sideways: string[];
}

/**
 * Measures every element. A table inside a scroll box that itself fits the viewport does not widen
 * the page, so it is not "overflowing"; it is reported under `sideways` instead, because a customer
 * still has to scroll it to see the columns on the right.
 */
export function measureWidth(page: Page): Promise<WidthReport> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const name = (element: Element) => {
      const classes = typeof element.className === 'string' && element.className ? `.${element.className.trim().split(/\s+/).join('.')}` : '';
      const text = (element.textContent ?? '').trim().slice(0, 30);
      return `${element.tagName.toLowerCase()}${classes}${text ? ` "${text}"` : ''}`;
    };
    const scrolls = (element: Element) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(element).overflowX);
    const overflowing: string[] = [];
    const sideways: string[] = [];
    for (const element of document.querySelectorAll('body *')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      let inBox = false;
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        if (scrolls(parent) && parent.getBoundingClientRect().right <= width + 1) {
          inBox = true;
          break;
        }
      }
      if (!inBox && box.right > width + 1) overflowing.push(`${name(element)} ends at ${Math.round(box.right)} px`);
      const overflowX = getComputedStyle(element).overflowX;
      if ((overflowX === 'auto' || overflowX === 'scroll') && element.tagName !== 'PRE' && element.scrollWidth > element.clientWidth + 1) {
        sideways.push(`${name(element)} scrolls ${element.scrollWidth} px in ${element.clientWidth} px`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, overflowing, sideways };
  });
}

/** The portal's tabs: each one's label on one line, all on one row, inside the viewport. */
export function tabsLayout(page: Page): Promise<{ rows: number; wrappedLabels: string[]; right: number }> {
  return page.evaluate(() => {
    const links = [...document.querySelectorAll('nav[aria-label] a')];
    const tops = new Set(links.map((link) => Math.round(link.getBoundingClientRect().top)));
    const wrapped = (link: Element) => {
      const style = getComputedStyle(link);
      const content = link.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
      return link.getClientRects().length > 1 || content > 1.5 * parseFloat(style.lineHeight);
    };
    const wrappedLabels = links.filter(wrapped).map((link) => link.textContent ?? '');
    return { rows: tops.size, wrappedLabels, right: Math.max(0, ...links.map((link) => link.getBoundingClientRect().right)) };
  });
}
