// The browser harness itself: a page served with and without COOP/COEP is
// (and is not) cross-origin isolated, and the harness reports a page error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serve, watchedPage, withBrowser } from './harness.js';

const PAGE = '<!doctype html><meta charset="utf-8"><title>t</title><script>window.result = crossOriginIsolated; throw new Error("boom")</script>';

test('the harness serves isolated and plain pages to headless Chromium and records page errors', { timeout: 60_000 }, async () => {
  await withBrowser(async (browser) => {
    for (const isolated of [true, false]) {
      const server = await serve(null, { isolated, files: { '/index.html': PAGE } });
      try {
        const { page, problems } = await watchedPage(browser);
        await page.goto(`${server.url}/`);
        assert.equal(await page.evaluate(() => (window as unknown as { result: boolean }).result), isolated);
        assert.deepEqual(problems, ['page error: boom']);
        assert.deepEqual(
          server.requests.map((r) => r.status),
          [200],
        );
      } finally {
        await server.close();
      }
    }
  });
});
