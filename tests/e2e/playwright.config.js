// Browser tests of the widget: Debian's Chromium (no browser download), the real `aurora demo`
// binary, and a second origin serving a store page (see global-setup.js).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.js',
  globalSetup: './global-setup.js',
  timeout: 30_000,
  expect: { timeout: 7_000 },
  workers: Number(process.env.E2E_WORKERS || 2),
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox'],
    },
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
