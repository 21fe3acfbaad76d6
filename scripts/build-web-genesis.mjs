// Makes data/web-genesis.txt.gz, the text the transformer example (examples/09-transformer-text.mjs)
// trains on: the book of Genesis from the World English Bible, which is in the public domain.
// It reads the Debian package sword-text-web (the SWORD module engWEB2015eb) through diatheke:
//   apt-get install -y sword-text-web diatheke && node scripts/build-web-genesis.mjs
// Neither is needed to run the example; the output is committed. The text is the module's
// words; verse numbers are dropped (one verse a line, a blank line between chapters) and
// typographic quotes and dashes become ASCII, so that the example's alphabet stays small.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// OSIS output marks every word (<w>...</w>); the plain output runs four pairs of words together
// ("Godcreated") where two <w> elements touch, so words are joined here with a space.
const osis = execFileSync('diatheke', ['-b', 'engWEB2015eb', '-f', 'OSIS', '-k', 'Genesis'], { encoding: 'utf8', maxBuffer: 1 << 26 });
const out = [];
let chapter = 0;
for (const line of osis.split('\n')) {
  const m = /^Genesis (\d+):\d+: (.*)$/.exec(line);
  if (!m) continue;
  if (Number(m[1]) !== chapter) {
    if (chapter > 0) out.push('');
    chapter = Number(m[1]);
  }
  const text = m[2]
    .replace(/<\/w><w>/g, '</w> <w>')
    .replace(/<[^>]*>/g, '')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2014\u2013]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
  out.push(text);
}
const text = `${out.join('\n')}\n`;
const gz = gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
writeFileSync(join(root, 'data', 'web-genesis.txt.gz'), gz);
const alphabet = [...new Set(text)].sort().join('');
console.log(`Genesis: ${chapter} chapters, ${text.length} characters, ${gz.length} bytes gzipped; alphabet ${JSON.stringify(alphabet)}`);
