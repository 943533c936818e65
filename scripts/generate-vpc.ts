// Writes a generated VPC with injected attacks for trying the product end to end:
//   node scripts/generate-vpc.ts DIR [--seed N] [--hours H] [--version 2|5]
// then: sakura-guard intel add DIR/threats.txt --name operator-threats;
//       sakura-guard intel add DIR/trusted.txt --trusted; sakura-guard ingest DIR/flows
// DIR/labels.csv says what should be found.

import { parseArgs } from 'node:util';
import { writeGeneratedVpc } from '../src/generate/write.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string', default: '1' },
    hours: { type: 'string', default: '4' },
    version: { type: 'string', default: '5' },
  },
});
const dir = positionals[0];
if (!dir) {
  console.error('usage: node scripts/generate-vpc.ts DIR [--seed N] [--hours H] [--version 2|5]');
  process.exit(2);
}
const version = values.version === '2' ? 2 : 5;
const files = writeGeneratedVpc(dir, { seed: Number(values.seed), hours: Number(values.hours), version });
console.log(`${files.flowFiles.length} flow-log files in ${dir}/flows; labels ${files.labels}`);
console.log(`lists: ${files.threatList} ${files.torList} ${files.trustedList}`);
