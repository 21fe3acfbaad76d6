/**
 * The report page's style sheet, inlined in its <head>. No fonts, images or
 * imports: system fonts only, so the page looks the same from disk offline.
 * (No < or & in it: the page stays well-formed XML.)
 */
export const REPORT_CSS = `
:root { color-scheme: light; }
body { margin: 0; background: #f4f5f7; color: #222222; font: 15px/1.5 system-ui, sans-serif; }
header { background: #1f2a37; color: #ffffff; padding: 20px 32px 14px; }
header h1 { margin: 0; font-size: 26px; font-weight: 600; }
header p { margin: 4px 0 0; color: #c8d0da; }
nav { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 10px 32px; background: #ffffff; border-bottom: 1px solid #dddddd; position: sticky; top: 0; z-index: 1; }
nav a { color: #1f5fa8; text-decoration: none; font-size: 14px; }
nav a:hover { text-decoration: underline; }
main { max-width: 1100px; margin: 0 auto; padding: 8px 24px 40px; }
section { background: #ffffff; border: 1px solid #dddddd; border-radius: 6px; margin: 18px 0; padding: 6px 22px 18px; }
h2 { font-size: 19px; font-weight: 600; margin: 12px 0 10px; }
h3 { font-size: 15px; font-weight: 600; margin: 14px 0 6px; }
p.note { margin: 4px 0 10px; }
.note { color: #555555; font-size: 13px; }
.row { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.row > div { flex: 1 1 300px; min-width: 0; }
.row.summary { gap: 8px 40px; }
.row.summary > div { flex: 0 1 auto; min-width: auto; }
figure { margin: 8px 0; display: inline-block; max-width: 100%; vertical-align: top; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #555555; font-size: 13px; text-align: center; }
table { border-collapse: collapse; font-size: 14px; margin: 6px 0 10px; }
th, td { padding: 4px 12px 4px 0; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: top; }
th { font-weight: 600; border-bottom-color: #bbbbbb; }
td.num, table.numbers td { font-variant-numeric: tabular-nums; }
table.facts th { font-weight: normal; color: #555555; padding-right: 20px; white-space: nowrap; }
th { white-space: nowrap; }
table.features { display: block; overflow-x: auto; max-width: 100%; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid #dddddd; border-radius: 6px; padding: 8px 10px; width: 170px; font-size: 13px; }
.card svg { display: block; margin: 0 auto 4px; }
.card .truth { font-weight: 600; }
.wrong { color: #b2182b; }
.probs { margin-top: 4px; }
.prob { display: flex; align-items: center; gap: 6px; }
.prob .name { flex: 0 0 56px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.prob .track { flex: 1 1 auto; height: 8px; background: #eeeeee; border-radius: 2px; }
.prob .fill { height: 8px; background: #4292c6; border-radius: 2px; }
.prob .fill.bad { background: #d6604d; }
.prob .fill.good { background: #31a354; }
.prob .value { flex: 0 0 44px; text-align: right; font-variant-numeric: tabular-nums; }
.equations { overflow-x: auto; }
.equation math { font-size: 18px; font-family: 'STIX Two Math', 'Latin Modern Math', 'Cambria Math', 'DejaVu Math TeX Gyre', math; }
.equation { margin: 10px 0; }
/* aligned blocks: MathML Core ignores columnalign, so the columns are aligned here (Chromium needs -webkit-right) */
.equation mtable[columnalign^="right left"] > mtr > mtd { padding: 0.15em 0; }
.equation mtable[columnalign^="right left"] > mtr > mtd:nth-child(odd) { padding-left: 2em; text-align: right; text-align: -webkit-right; }
.equation mtable[columnalign^="right left"] > mtr > mtd:nth-child(even) { text-align: left; text-align: -webkit-left; }
.equation mtable[columnalign^="right left"] > mtr > mtd:first-child { padding-left: 0; padding-right: 0.3em; }
footer { color: #777777; font-size: 12px; text-align: center; padding: 0 0 24px; }
`.trim();
