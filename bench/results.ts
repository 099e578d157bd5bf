// Where benchmark figures go: bench/RESULTS.md in the repo, each under its own "## " section.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './repoRoot';

/** Appends `section` at the end of the "## <heading>" part of RESULTS.md (creating it); returns the file. */
export function appendToSection(heading: string, section: string): string {
  const target = path.join(repoRoot(), 'bench', 'RESULTS.md');
  const existing = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '# Benchmark results\n';
  const start = existing.indexOf(`\n## ${heading}`);
  let text: string;
  if (start < 0) {
    text = `${existing.trimEnd()}\n\n## ${heading}\n${section}`;
  } else {
    const next = existing.indexOf('\n## ', start + 1);
    text = next < 0 ? `${existing.trimEnd()}\n${section}` : `${existing.slice(0, next).trimEnd()}\n${section}${existing.slice(next)}`;
  }
  fs.writeFileSync(target, text);
  return target;
}
