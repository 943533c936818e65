// No SQL built from values: every `${...}` inside a template literal that holds SQL must be on the
// reviewed list beside this file (sql-interpolations.txt), which names only identifiers from our
// own constants, placeholder lists and the one literal escaper of the ClickHouse adapter. User
// values go in bound parameters. A new interpolation fails this test until someone has checked
// that it cannot carry a user's value and added it to the list, with its file, in review.
//
//   SQL_INTERPOLATIONS_WRITE=1 npx vitest run src/security   rewrites the list (then review the diff)

import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LIST = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sql-interpolations.txt');
const SQL =
  /\b(SELECT\s|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|CREATE\s+(OR\s+REPLACE\s+)?(TABLE|VIEW|INDEX|MACRO|TEMP)|DROP\s+(TABLE|VIEW)|ALTER\s+TABLE|ATTACH\s|COPY\s)/;

const HEADER = `# Reviewed interpolations into SQL text (src/security/sql-interpolation.test.ts): each is a
# constant identifier or column list, a placeholder list, a clause built from those, an ORDER BY
# direction from an enum, an escaped literal for text that cannot be a parameter (COPY paths,
# ClickHouse 18.16 values, the evidence queries shown to users), or prose in an error message.
# Never a user's value unescaped. Add a line only after checking that.
`;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'testdata' && e.name !== 'node_modules') out.push(...sourceFiles(p));
    } else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

/** `file: expression` for every interpolation in a template literal that reads as SQL. */
export function sqlInterpolations(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!SQL.test(text)) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const rel = path.relative(root, file);
    const visit = (node: ts.Node): void => {
      if (ts.isTemplateExpression(node)) {
        const literal = node.head.text + node.templateSpans.map((s) => s.literal.text).join(' ');
        if (SQL.test(literal)) {
          for (const span of node.templateSpans) {
            found.push(`${rel}: ${span.expression.getText(sf).replace(/\s+/g, ' ')}`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return [...new Set(found)].sort();
}

describe('SQL built by interpolation', () => {
  it('every interpolation into SQL text is on the reviewed list', () => {
    const files = [...sourceFiles(path.join(root, 'src')), ...sourceFiles(path.join(root, 'bench'))];
    const now = sqlInterpolations(files);
    if (process.env.SQL_INTERPOLATIONS_WRITE === '1') writeFileSync(LIST, `${HEADER}${now.join('\n')}\n`);
    const reviewed = new Set(
      readFileSync(LIST, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#')),
    );
    const unreviewed = now.filter((l) => !reviewed.has(l));
    expect(
      unreviewed,
      'bind values as parameters, or review and add these lines to sql-interpolations.txt',
    ).toEqual([]);
    expect(now.length).toBeGreaterThan(10); // the scan does find the reviewed ones
  });

  it('flags a value interpolated into SQL', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const probe = path.join(dir, 'probe.tmp.ts');
    writeFileSync(probe, "export const q = (ip: string) => `SELECT * FROM flows WHERE src_ip = '${ip}'`;\n");
    try {
      expect(sqlInterpolations([probe])).toEqual(['src/security/probe.tmp.ts: ip']);
    } finally {
      rmSync(probe, { force: true });
    }
  });
});
