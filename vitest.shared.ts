import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * The vitest project every workspace uses. The "@chorus/source" condition makes `@chorus/<name>`
 * resolve to the package's TypeScript sources (see each package's exports map), so tests exercise
 * the same import path a user writes, without a build step.
 */
export function chorusProject(name: string, overrides: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { conditions: ['@chorus/source'] },
    ssr: { resolve: { conditions: ['@chorus/source'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 20_000,
      ...overrides,
    },
  });
}
