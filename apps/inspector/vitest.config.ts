import { chorusProject } from '../../vitest.shared.ts';

// Named explicitly: the directory name `inspector` is already the project of packages/inspector.
export default chorusProject('inspector-app');
