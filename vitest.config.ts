import { defineConfig } from 'vitest/config';

// One command runs every package's tests and the cross-package suite in test/.
// Each workspace keeps its own vitest.config.ts (a "project"); sources of @chorus/* packages are
// resolved through the "@chorus/source" export condition, so tests never need a build first.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'test'],
  },
});
