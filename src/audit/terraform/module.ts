// A Terraform module as the checks see it: every resource of the .tf files of one directory, with
// variables and locals resolved across those files.

import path from 'node:path';
import { type HclBlock, type HclBody, type HclFile, collectRefs } from './hcl.ts';
import { type TfScope, addTfvars, addToScope, emptyScope } from './evaluate.ts';

export interface TfResource {
  type: string;
  name: string;
  /** `type.name`, as references spell it. */
  address: string;
  file: string;
  line: number;
  endLine: number;
  body: HclBody;
}

export interface TfModule {
  dir: string;
  scope: TfScope;
  resources: TfResource[];
  /** `module` blocks, for community modules the checks understand. */
  moduleCalls: { file: string; block: HclBlock }[];
  /** References made by each resource and by outputs/modules, keyed by the referring address. */
  references: { from: string; fromType: string; ref: string }[];
}

export interface TfParsedFile {
  file: string;
  hcl: HclFile;
}

export function buildModules(files: TfParsedFile[]): TfModule[] {
  const byDir = new Map<string, TfParsedFile[]>();
  for (const f of files) {
    const dir = path.dirname(f.file);
    byDir.set(dir, [...(byDir.get(dir) ?? []), f]);
  }
  const modules: TfModule[] = [];
  for (const [dir, list] of byDir) {
    const scope = emptyScope();
    const mod: TfModule = { dir, scope, resources: [], moduleCalls: [], references: [] };
    for (const f of list) {
      if (f.file.endsWith('.tfvars')) {
        addTfvars(scope, f.hcl.body);
        continue;
      }
      addToScope(scope, f.hcl.body);
      for (const b of f.hcl.body.blocks) {
        if (b.type === 'resource' && b.labels.length >= 2) {
          const [type, name] = b.labels as [string, string];
          const address = `${type}.${name}`;
          mod.resources.push({
            type,
            name,
            address,
            file: f.file,
            line: b.line,
            endLine: b.endLine,
            body: b.body,
          });
          scope.resources.set(address, b.body);
          for (const ref of bodyRefs(b.body)) mod.references.push({ from: address, fromType: type, ref });
        } else if (b.type === 'output' || b.type === 'module' || b.type === 'data') {
          if (b.type === 'module') mod.moduleCalls.push({ file: f.file, block: b });
          const from = `${b.type}.${b.labels.join('.')}`;
          for (const ref of bodyRefs(b.body)) mod.references.push({ from, fromType: b.type, ref });
        }
      }
    }
    modules.push(mod);
  }
  return modules;
}

function bodyRefs(body: HclBody): string[] {
  return [
    ...body.attributes.flatMap((a) => collectRefs(a.value)),
    ...body.blocks.flatMap((b) => bodyRefs(b.body)),
  ];
}

/** The address a reference points at: `aws_security_group.web.id` → `aws_security_group.web`. */
export function refTarget(ref: string): string {
  const parts = ref.replace(/\[[^\]]*\]/g, '').split('.');
  return parts.slice(0, 2).join('.');
}
