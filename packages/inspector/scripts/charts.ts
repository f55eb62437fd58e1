// Regenerates the state charts in ARCHITECTURE.md from the exported machines: `npm run charts`.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderChartsSection, replaceChartsSection } from '../src/architecture-charts.js';

const file = new URL('../../../ARCHITECTURE.md', import.meta.url);
const before = readFileSync(file, 'utf8');
const after = replaceChartsSection(before, renderChartsSection());
writeFileSync(file, after);
console.log(
  before === after ? 'ARCHITECTURE.md charts were already current' : 'ARCHITECTURE.md charts updated',
);
