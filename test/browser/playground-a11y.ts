// The playground tests' accessibility checks: every control has a real
// accessible name (a label, aria-label or aria-labelledby; a button may be
// named by its text, an <output>'s value is not a name), every canvas is named
// and has a role, and a Tab walk that records which controls it reached.
import type { Page } from 'playwright-core';

/**
 * The controls under `scope` (a selector) without an accessible name, as the
 * start of their HTML: inputs (but hidden ones), selects, textareas, outputs,
 * buttons and anything focusable or with a widget role must be named by a
 * <label> (for= or wrapping) with text, a non-empty aria-label, or
 * aria-labelledby pointing at text; buttons, and the roles named from their
 * content (button, tab, radio, checkbox, link, option), may be named by their
 * own text. Every canvas needs a role and a name; a focusable element inside
 * aria-hidden is reported too.
 */
export function unnamedControls(page: Page, scope = 'main'): Promise<string[]> {
  return page.$$eval(`${scope} :is(input, select, textarea, output, button, canvas, [tabindex], [role])`, (els) => {
    const widgets = new Set(['button', 'checkbox', 'radio', 'slider', 'spinbutton', 'switch', 'tab', 'textbox', 'combobox', 'link', 'option', 'application']);
    const fromContent = new Set(['button', 'tab', 'radio', 'checkbox', 'link', 'option']);
    const text = (e: Element | null) => (e?.textContent ?? '').trim();
    const problems: string[] = [];
    for (const e of els as HTMLElement[]) {
      if (e instanceof HTMLInputElement && e.type === 'hidden') continue;
      const role = e.getAttribute('role');
      const focusable = e.tabIndex >= 0 && !(e as HTMLButtonElement).disabled && e.getAttribute('tabindex') !== '-1';
      const control = /^(INPUT|SELECT|TEXTAREA|OUTPUT|BUTTON)$/.test(e.tagName) || (role !== null && widgets.has(role));
      const isCanvas = e.tagName === 'CANVAS';
      if (!control && !isCanvas && !(focusable && e.hasAttribute('tabindex'))) continue;
      if (!focusable && e.closest('[aria-hidden="true"]')) continue; // hidden from assistive technology, and from the keyboard
      const labels = (e as HTMLInputElement).labels;
      const byLabel = labels ? Array.from(labels).some((l) => text(l) !== '') : false;
      const byAria = (e.getAttribute('aria-label') ?? '').trim() !== '';
      const byRef = (e.getAttribute('aria-labelledby') ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .some((id) => text(document.getElementById(id)) !== '');
      const byContent = (e.tagName === 'BUTTON' || (role !== null && fromContent.has(role))) && text(e) !== '';
      const what = e.outerHTML.slice(0, 100);
      if (!(byLabel || byAria || byRef || byContent)) problems.push(`no name: ${what}`);
      if (isCanvas && !role) problems.push(`no role: ${what}`);
      if (focusable && e.closest('[aria-hidden="true"]')) problems.push(`focusable but aria-hidden: ${what}`);
    }
    return problems;
  });
}

/** Presses Tab `n` times from the top of the page and returns what it focused: ids, or classes where there is none. */
export async function tabWalk(page: Page, n: number): Promise<Set<string>> {
  const reached = new Set<string>();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.focus('body');
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('class') || ''));
  }
  return reached;
}
