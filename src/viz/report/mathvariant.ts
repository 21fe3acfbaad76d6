/**
 * MathML Core (what Chromium draws) ignores `mathvariant` other than
 * "normal": \mathbb{R} would show as a plain R. So the letters and digits of
 * such elements are replaced by their Unicode mathematical alphanumeric
 * symbols (R → ℝ, B → 𝐁), which every browser draws as they are.
 */

/** The code point of capital A, small a and digit 0 of each style (0: not in Unicode). */
const LATIN: Record<string, [number, number, number]> = {
  bold: [0x1d400, 0x1d41a, 0x1d7ce],
  italic: [0x1d434, 0x1d44e, 0],
  'bold-italic': [0x1d468, 0x1d482, 0],
  script: [0x1d49c, 0x1d4b6, 0],
  'bold-script': [0x1d4d0, 0x1d4ea, 0],
  fraktur: [0x1d504, 0x1d51e, 0],
  'double-struck': [0x1d538, 0x1d552, 0x1d7d8],
  'bold-fraktur': [0x1d56c, 0x1d586, 0],
  'sans-serif': [0x1d5a0, 0x1d5ba, 0x1d7e2],
  'bold-sans-serif': [0x1d5d4, 0x1d5ee, 0x1d7ec],
  'sans-serif-italic': [0x1d608, 0x1d622, 0],
  'sans-serif-bold-italic': [0x1d63c, 0x1d656, 0],
  monospace: [0x1d670, 0x1d68a, 0x1d7f6],
};

/** Capital Alpha and small alpha of the styles with Greek letters. */
const GREEK: Record<string, [number, number]> = {
  bold: [0x1d6a8, 0x1d6c2],
  italic: [0x1d6e2, 0x1d6fc],
  'bold-italic': [0x1d71c, 0x1d736],
};

/** The letters Unicode placed in the Letterlike Symbols block before (the holes of the alphanumeric block). */
const HOLES: Record<string, Record<string, string>> = {
  italic: { h: 'ℎ' },
  script: { B: 'ℬ', E: 'ℰ', F: 'ℱ', H: 'ℋ', I: 'ℐ', L: 'ℒ', M: 'ℳ', R: 'ℛ', e: 'ℯ', g: 'ℊ', o: 'ℴ' },
  fraktur: { C: 'ℭ', H: 'ℌ', I: 'ℑ', R: 'ℜ', Z: 'ℨ' },
  'double-struck': { C: 'ℂ', H: 'ℍ', N: 'ℕ', P: 'ℙ', Q: 'ℚ', R: 'ℝ', Z: 'ℤ' },
};

/** One character in the style `variant`, or itself when Unicode has no such symbol. */
export function styledChar(ch: string, variant: string): string {
  const hole = HOLES[variant]?.[ch];
  if (hole) return hole;
  const c = ch.codePointAt(0)!;
  const latin = LATIN[variant],
    greek = GREEK[variant];
  if (latin) {
    if (c >= 0x41 && c <= 0x5a) return String.fromCodePoint(latin[0] + c - 0x41);
    if (c >= 0x61 && c <= 0x7a) return String.fromCodePoint(latin[1] + c - 0x61);
    if (c >= 0x30 && c <= 0x39 && latin[2]) return String.fromCodePoint(latin[2] + c - 0x30);
  }
  if (greek) {
    if (c >= 0x391 && c <= 0x3a9) return String.fromCodePoint(greek[0] + c - 0x391);
    if (c >= 0x3b1 && c <= 0x3c9) return String.fromCodePoint(greek[1] + c - 0x3b1);
  }
  return ch;
}

/**
 * MathML with every `<mi>`, `<mn>` or `<mtext>` whose mathvariant Unicode can
 * spell written in those symbols instead, the attribute dropped ("normal"
 * and unknown variants are left as they are). Character references such as
 * &amp; are kept whole.
 */
export function unicodeMathVariants(mathml: string): string {
  return mathml.replace(
    /<(mi|mn|mtext)((?:\s[^>]*?)?)\smathvariant="([a-z-]+)"([^>]*)>([^<]*)<\/\1>/g,
    (all, tag: string, before: string, variant: string, after: string, text: string) => {
      if (!LATIN[variant]) return all;
      const styled = text.replace(/&[#\w]+;|[^&]/gu, (piece) => (piece.length > 1 && piece.startsWith('&') ? piece : styledChar(piece, variant)));
      return `<${tag}${before}${after}>${styled}</${tag}>`;
    },
  );
}
