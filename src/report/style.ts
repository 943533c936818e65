// The report's stylesheet, inlined into the document: screen and print (A4) rules, and only fonts
// installed on the machine (Noto Sans CJK from Debian's fonts-noto-cjk for Japanese).

export const REPORT_CSS = `
@page { size: A4; margin: 14mm 13mm 16mm 13mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 800px; padding: 24px; color: #1f2937; background: #fff;
  font: 10.5pt/1.5 "Noto Sans", "Noto Sans CJK JP", "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
:lang(ja) body, body:lang(ja) { font-family: "Noto Sans CJK JP", "Noto Sans", "DejaVu Sans", sans-serif; }
header { border-bottom: 3px solid #be185d; padding-bottom: 8px; margin-bottom: 14px; }
header .brand { color: #be185d; font-weight: 700; letter-spacing: .04em; font-size: 9.5pt; }
h1 { font-size: 20pt; margin: 2px 0 4px; }
h2 { font-size: 13.5pt; margin: 22px 0 8px; padding-bottom: 3px; border-bottom: 1px solid #e5e7eb;
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 12px 0 6px; break-after: avoid; }
.meta { color: #4b5563; font-size: 9.5pt; }
.note { color: #6b7280; font-size: 9pt; margin: 0 0 6px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin: 10px 0; }
.card { border: 1px solid #e5e7eb; border-radius: 6px; padding: 7px 10px; break-inside: avoid; }
.card .v { font-size: 17pt; font-weight: 700; line-height: 1.2; }
.card .k { color: #4b5563; font-size: 8.5pt; }
.card.alert .v { color: #b91c1c; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; margin: 4px 0 8px; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
th { background: #f8fafc; color: #374151; font-weight: 600; border-bottom: 1px solid #d1d5db; white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.mono, .mono { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 8.5pt; }
tr { break-inside: avoid; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.two > div { min-width: 0; }
.sev { display: inline-block; min-width: 3.2em; padding: 0 5px; border-radius: 3px; color: #fff;
  font-size: 8pt; font-weight: 600; text-align: center; white-space: nowrap; }
.sev.critical { background: #9f1239; } .sev.high { background: #ea580c; }
.sev.medium { background: #b7890f; } .sev.low { background: #5b8fc7; }
.sev.info { background: #9ca3af; }
.st { font-weight: 600; white-space: nowrap; }
.st.ok { color: #15803d; } .st.attention { color: #b91c1c; } .st.no-evidence { color: #6b7280; }
.chart { display: block; margin: 4px 0; }
.chart .ax { font-size: 10px; fill: #6b7280; }
.chart .lg { font-size: 11px; fill: #374151; }
.strip { display: block; margin: 2px 0 8px; }
.finding { border: 1px solid #e5e7eb; border-left: 4px solid #9ca3af; border-radius: 4px;
  padding: 6px 10px; margin: 0 0 8px; break-inside: avoid; }
.finding.critical { border-left-color: #9f1239; } .finding.high { border-left-color: #ea580c; }
.finding.medium { border-left-color: #d4a017; }
.finding .t { font-weight: 600; }
.finding .d { margin: 2px 0; }
.finding .f { color: #4b5563; font-size: 8.5pt; }
.finding pre { margin: 4px 0 0; padding: 4px 6px; background: #f8fafc; font-size: 7.2pt;
  white-space: pre-wrap; word-break: break-all; }
.items { font-size: 8pt; color: #4b5563; }
.items .hit { color: #b91c1c; font-weight: 600; }
.muted { color: #6b7280; }
.nw { white-space: nowrap; }
footer { margin-top: 18px; color: #9ca3af; font-size: 8pt; border-top: 1px solid #e5e7eb; padding-top: 4px; }
section { break-inside: auto; }
.compliance td:first-child { width: 9.5em; }
.compliance td:nth-child(2) { width: 7.5em; }
@media print {
  body { max-width: none; padding: 0; }
  h2 { margin-top: 16px; }
  /* Auditors turn to the compliance view: it starts a page. */
  section.compliance { break-before: page; }
}
`;
