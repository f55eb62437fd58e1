import { chorusProject } from '../vitest.shared.ts';

export default chorusProject('integration', {
  include: ['**/*.test.ts'],
  exclude: ['node_modules/**', 'bench/**'],
});
