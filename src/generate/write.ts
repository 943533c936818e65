// Writes a generated VPC to a directory: one gzip'd flow-log file per interface and hour (the S3
// layout's granularity, so that import order can be shuffled), the labels, and the operator's
// threat, Tor and trusted lists as plain IP-per-line files for `intel add`.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateVpc, labelsCsv, vpcHeader, type GeneratorOptions } from './vpc-generator.ts';

export interface WrittenFiles {
  flowFiles: string[];
  labels: string;
  threatList: string;
  torList: string;
  trustedList: string;
}

export function writeGeneratedVpc(dir: string, options: GeneratorOptions): WrittenFiles {
  const g = generateVpc(options);
  const version = options.version ?? 5;
  mkdirSync(path.join(dir, 'flows'), { recursive: true });
  const files = new Map<string, string[]>();
  for (const line of g.lines) {
    const f = line.split(' ');
    const hour = Math.floor(Number(f[10]) / 3600) * 3600;
    const name = `${f[2]}_${new Date(hour * 1000).toISOString().slice(0, 13).replace(/[-T:]/g, '')}.log.gz`;
    const list = files.get(name);
    if (list) list.push(line);
    else files.set(name, [line]);
  }
  const flowFiles: string[] = [];
  for (const [name, lines] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const file = path.join(dir, 'flows', name);
    writeFileSync(file, gzipSync(`${vpcHeader(version)}\n${lines.join('\n')}\n`));
    flowFiles.push(file);
  }
  const out = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  return {
    flowFiles,
    labels: out('labels.csv', labelsCsv(g.labels)),
    threatList: out('threats.txt', `# operator threat list (generated)\n${g.threatList.join('\n')}\n`),
    torList: out('tor-nodes.txt', `# Tor nodes (generated)\n${g.torList.join('\n')}\n`),
    trustedList: out('trusted.txt', `# trusted scanners (generated)\n${g.trusted.join('\n')}\n`),
  };
}
