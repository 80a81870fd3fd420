// Where a text stops being JSON. V8 names the position of most syntax errors, but not of all
// ("Unexpected end of JSON input", "Unexpected token ',', ..."x"... is not valid JSON"); a
// rejection must still say where the file is broken, so such an error is located by this
// scanner. It runs only after JSON.parse has failed, and keeps its nesting in a list, not on
// the stack.

const TOKEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a JSON string may not hold a raw control character (RFC 8259 §7).
  /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}[\]:,]/y;
const WHITESPACE = /[ \t\n\r]*/y;

type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'end';

/** The offset of the first character where `text` is not JSON (its length when it ends early), or -1. */
export function syntaxErrorOffset(text: string): number {
  const open: string[] = [];
  let expect: Expect = 'value';
  let i = 0;
  for (;;) {
    WHITESPACE.lastIndex = i;
    WHITESPACE.exec(text);
    i = WHITESPACE.lastIndex;
    if (i >= text.length) return expect === 'end' ? -1 : text.length;
    TOKEN.lastIndex = i;
    const token = TOKEN.exec(text)?.[0];
    if (token === undefined) return i;
    const scalar = !'{}[]:,'.includes(token);
    const closes = (token === '}' && open.at(-1) === '{') || (token === ']' && open.at(-1) === '[');
    const afterValue = () => (open.length === 0 ? 'end' : 'commaOrClose');
    if ((expect === 'value' || expect === 'valueOrClose') && scalar) expect = afterValue();
    else if ((expect === 'value' || expect === 'valueOrClose') && (token === '{' || token === '[')) {
      open.push(token);
      expect = token === '{' ? 'keyOrClose' : 'valueOrClose';
    } else if ((expect === 'key' || expect === 'keyOrClose') && token.startsWith('"')) expect = 'colon';
    else if (expect === 'colon' && token === ':') expect = 'value';
    else if (expect === 'commaOrClose' && token === ',') expect = open.at(-1) === '{' ? 'key' : 'value';
    else if ((expect === 'commaOrClose' || expect === 'keyOrClose' || expect === 'valueOrClose') && closes) {
      open.pop();
      expect = afterValue();
    } else return i;
    i = TOKEN.lastIndex;
  }
}
