// VS Code-style globs (files.exclude, search.exclude): `**` any number of path segments, `*` and
// `?` within one segment, `{a,b}` alternatives, `[abc]` / `[!abc]` classes. Patterns match the
// whole path relative to the workspace folder.

export function globToRegExp(glob: string, caseInsensitive = false): RegExp {
  const pattern = glob.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\//, '');
  let re = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const segmentStart = i === 0 || pattern[i - 1] === '/';
        if (segmentStart && pattern[i + 2] === '/') {
          re += '(?:[^/]*/)*'; // "**/" — zero or more whole segments
          i += 2;
        } else if (segmentStart && i + 2 === pattern.length && re.endsWith('/')) {
          re = `${re.slice(0, -1)}(?:/.*)?`; // trailing "/**" also matches the folder itself
          i += 1;
        } else {
          re += '.*';
          i += 1;
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) {
      re += '|';
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else {
      re += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  re += ')'.repeat(braces); // an unclosed "{" is forgiven rather than thrown
  return new RegExp(`^${re}$`, caseInsensitive ? 'i' : '');
}

/** A predicate for "does any of these globs match this relative path". */
export function compileGlobs(globs: readonly string[], caseInsensitive = process.platform === 'win32'): (relPath: string) => boolean {
  const regexps = globs.filter((g) => g.trim() !== '').map((g) => globToRegExp(g.trim(), caseInsensitive));
  if (regexps.length === 0) return () => false;
  return (relPath) => regexps.some((r) => r.test(relPath));
}
