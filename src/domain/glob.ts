// File-name globs for vendor resolution: `*`, `?`, `[abc]`, `{a,b}`; case-insensitive, matched
// against the file's base name (vendors name files, not folders).

export function compileGlob(glob: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) throw new Error(`unclosed "[" in file pattern "${glob}"`);
      const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  if (braces > 0) throw new Error(`unclosed "{" in file pattern "${glob}"`);
  return new RegExp(`^${re}$`, 'i');
}

/** How specific a pattern is: its count of literal characters (a longer literal wins). */
export function globSpecificity(glob: string): number {
  return glob.replace(/[*?]|\[[^\]]*\]|[{},]/g, '').length;
}
