import { chorusProject } from '../../vitest.shared.ts';

export default chorusProject('mcp');
