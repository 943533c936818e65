import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditPaths } from '../audit.ts';
import { parseHcl } from './hcl.ts';
import { auditTerraform } from './terraform.ts';

const TESTDATA = path.join(import.meta.dirname, '..', 'testdata');
const tf = (text: string, file = 'm/main.tf') => auditTerraform([{ file, text }]);
const ids = (r: ReturnType<typeof tf>) => r.findings.map((f) => `${f.checkId}@${f.line}`).sort();

describe('HCL parser', () => {
  it('keeps lines of blocks, attributes, heredocs and object lists', () => {
    const f = parseHcl(
      'a = 1\nresource "x" "y" {\n  b = <<EOT\nhello\nEOT\n  c = [{ d = "e" }, { d = "f" }]\n}\n',
    );
    const block = f.body.blocks[0]!;
    expect(block).toMatchObject({ type: 'resource', labels: ['x', 'y'], line: 2, endLine: 7 });
    expect(block.body.attributes.map((a) => [a.name, a.line, a.endLine])).toEqual([
      ['b', 3, 5],
      ['c', 6, 6],
    ]);
  });
  it('records references inside templates, calls, conditionals and for expressions', () => {
    const f = parseHcl(
      'x = "${var.a}-${aws_vpc.main.id}"\ny = merge(local.t, { k = aws_sg.s.id })\nz = var.c ? 1 : 2\nw = [for s in aws_subnet.all : s.id]\n',
    );
    expect(f.references).toEqual(
      expect.arrayContaining([
        'var.a',
        'aws_vpc.main.id',
        'local.t',
        'aws_sg.s.id',
        'var.c',
        'aws_subnet.all',
      ]),
    );
  });
  it('throws a syntax error with its line', () => {
    expect(() => parseHcl('resource "a" "b" {\n  x = \n}\n')).toThrow(/expected an expression/);
  });
});

describe('Terraform AWS', () => {
  it('resolves locals, variable defaults and tfvars', () => {
    const r = auditTerraform([
      {
        file: 'm/vars.tf',
        text: 'variable "open" { default = ["0.0.0.0/0"] }\nvariable "port" {}\nlocals { ssh = 22 }\n',
      },
      { file: 'm/terraform.tfvars', text: 'port = 3306\n' },
      {
        file: 'm/main.tf',
        text: 'resource "aws_security_group" "a" {\n  ingress {\n    from_port = local.ssh\n    to_port = local.ssh\n    protocol = "tcp"\n    cidr_blocks = var.open\n  }\n  ingress {\n    from_port = var.port\n    to_port = var.port\n    protocol = "6"\n    cidr_blocks = var.open\n  }\n}\nresource "aws_instance" "i" {\n  vpc_security_group_ids = [aws_security_group.a.id]\n}\n',
      },
    ]);
    expect(r.problems).toEqual([]);
    expect(ids(r)).toEqual(['NET-DATABASE-PORT-OPEN@8', 'NET-SSH-OPEN@2']);
  });
  it('makes a database exposure critical when the group is on an instance with a public IP', () => {
    const r = tf(
      'resource "aws_security_group" "db" {\n  ingress {\n    from_port = 5432\n    to_port = 5432\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\nresource "aws_instance" "db" {\n  associate_public_ip_address = true\n  vpc_security_group_ids = [aws_security_group.db.id]\n}\n',
    );
    expect(r.findings.map((f) => [f.checkId, f.severity])).toEqual([['NET-DATABASE-PORT-OPEN', 'critical']]);
  });
  it('flags rules in the default security group, VPCs without flow logs, and egress to everywhere', () => {
    const r = tf(
      'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\nresource "aws_vpc" "logged" {\n  cidr_block = "10.1.0.0/16"\n}\nresource "aws_flow_log" "l" {\n  vpc_id = aws_vpc.logged.id\n  traffic_type = "ALL"\n}\nresource "aws_default_security_group" "d" {\n  vpc_id = aws_vpc.main.id\n  egress {\n    from_port = 0\n    to_port = 0\n    protocol = "-1"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
    );
    expect(ids(r)).toEqual(['AWS-DEFAULT-SG-HAS-RULES@11', 'AWS-VPC-NO-FLOW-LOGS@1', 'NET-EGRESS-ALL@13']);
  });
  it('reads aws_security_group_rule and separate NACL rules in rule order', () => {
    const r = tf(
      'resource "aws_security_group" "s" {}\nresource "aws_lb" "x" {\n  security_groups = [aws_security_group.s.id]\n}\nresource "aws_security_group_rule" "r" {\n  type = "ingress"\n  security_group_id = aws_security_group.s.id\n  from_port = 3389\n  to_port = 3389\n  protocol = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}\nresource "aws_network_acl" "n" {}\nresource "aws_network_acl_rule" "allow_ssh" {\n  network_acl_id = aws_network_acl.n.id\n  rule_number = 200\n  protocol = "tcp"\n  rule_action = "allow"\n  from_port = 22\n  to_port = 22\n  cidr_block = "0.0.0.0/0"\n}\nresource "aws_network_acl_rule" "deny_rdp" {\n  network_acl_id = aws_network_acl.n.id\n  rule_number = 100\n  protocol = "tcp"\n  rule_action = "deny"\n  from_port = 3389\n  to_port = 3389\n  cidr_block = "0.0.0.0/0"\n}\n',
    );
    expect(ids(r)).toEqual(['AWS-NACL-SSH-OPEN@14', 'NET-RDP-OPEN@5']);
  });
  it('reports a file that does not parse as a problem and still audits the others', () => {
    const r = auditTerraform([
      { file: 'm/bad.tf', text: 'resource "x" {\n  a = [\n' },
      {
        file: 'm/ok.tf',
        text: 'resource "aws_security_group" "s" {\n  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n',
      },
    ]);
    expect(r.problems.map((p) => [p.file, p.reason.startsWith('hcl-syntax')])).toEqual([['m/bad.tf', true]]);
    expect(r.findings.map((f) => f.checkId)).toContain('NET-SSH-OPEN');
  });
});

describe('Terraform Sakura Cloud', () => {
  it('reads both providers, first-match order, public servers and VPC-router firewalls', async () => {
    const r = await auditPaths([path.join(TESTDATA, 'tf/sakura')], { baseDir: TESTDATA });
    expect(r.findings.map((f) => [f.checkId, f.line, f.severity])).toEqual([
      ['NET-PORT-OPEN', 18, 'low'],
      ['NET-DATABASE-PORT-OPEN', 22, 'critical'], // var.db_port; server on the shared segment
      ['SAKURA-PF-NO-DEFAULT-DENY', 38, 'medium'],
      ['NET-RDP-OPEN', 41, 'high'],
      ['NET-ADMIN-PORT-OPEN', 51, 'high'], // 1-1024, with 22 already denied above: no SSH finding
      ['NET-PORT-OPEN', 51, 'medium'],
      ['NET-DATABASE-PORT-OPEN', 71, 'high'],
    ]);
  });
});

describe('Terraform dynamic blocks', () => {
  it('expands dynamic ingress blocks over a local list, with a custom iterator', () => {
    const r = tf(
      [
        'locals {',
        '  rules = [',
        '    { port = 443, cidrs = ["0.0.0.0/0"] },',
        '    { port = 5432, cidrs = ["0.0.0.0/0"] },',
        '    { port = 22, cidrs = ["198.51.100.4/32"] },',
        '  ]',
        '}',
        'resource "aws_security_group" "d" {',
        '  dynamic "ingress" {',
        '    for_each = local.rules',
        '    iterator = rule',
        '    content {',
        '      from_port   = rule.value.port',
        '      to_port     = rule.value.port',
        '      protocol    = "tcp"',
        '      cidr_blocks = rule.value.cidrs',
        '    }',
        '  }',
        '}',
        'output "sg" { value = aws_security_group.d.id }',
      ].join('\n'),
    );
    expect(r.findings.map((f) => [f.checkId, f.severity, f.line])).toEqual([
      ['NET-PORT-OPEN', 'low', 12],
      ['NET-DATABASE-PORT-OPEN', 'high', 12],
    ]);
  });
});

describe('public resources', () => {
  it('a publicly accessible RDS instance makes its open database rule critical', () => {
    const r = tf(
      'resource "aws_security_group" "db" {}\nresource "aws_security_group_rule" "dbg" {\n  type = "ingress"\n  from_port = 3306\n  to_port = 3306\n  protocol = "tcp"\n  security_group_id = aws_security_group.db.id\n  cidr_blocks = ["0.0.0.0/0"]\n}\nresource "aws_db_instance" "m" {\n  publicly_accessible = true\n  vpc_security_group_ids = [aws_security_group.db.id]\n}\n',
    );
    expect(r.findings.map((f) => [f.checkId, f.severity, f.line])).toEqual([
      ['NET-DATABASE-PORT-OPEN', 'critical', 2],
    ]);
  });
  it('legacy "${var.x}" interpolation-only values resolve to the variable itself', () => {
    const r = tf(
      'variable "open" { default = ["0.0.0.0/0"] }\nresource "aws_security_group" "s" {\n  description = "%{if true}x%{endif}"\n  ingress {\n    from_port = 23\n    to_port = 23\n    protocol = "tcp"\n    cidr_blocks = "${var.open}"\n  }\n}\noutput "o" { value = aws_security_group.s.id }\n',
    );
    expect(r.findings.map((f) => f.checkId)).toEqual(['NET-ADMIN-PORT-OPEN']);
  });
});

describe('resource attributes', () => {
  it('resolves a literal attribute of another resource (aws_vpc.main.cidr_block)', () => {
    const r = tf(
      'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/8"\n}\nresource "aws_flow_log" "f" {\n  vpc_id = aws_vpc.main.id\n}\nresource "aws_security_group" "s" {\n  ingress {\n    from_port = 5432\n    to_port = 5432\n    protocol = "tcp"\n    cidr_blocks = [aws_vpc.main.cidr_block]\n  }\n}\noutput "o" { value = aws_security_group.s.id }\n',
    );
    expect(r.findings.map((f) => [f.checkId, f.line])).toEqual([['NET-WIDE-PRIVATE-SOURCE', 8]]);
    expect(r.rules.map((x) => x.exposure.cidrs)).toEqual([['10.0.0.0/8']]);
  });
});

describe('terraform-aws-modules/security-group', () => {
  it('reads named rules, ingress_with_cidr_blocks objects and preset submodules', () => {
    const r = tf(
      [
        'module "web_sg" {',
        '  source  = "terraform-aws-modules/security-group/aws"',
        '  version = "~> 5.0"',
        '  name    = "web"',
        '  ingress_cidr_blocks = ["0.0.0.0/0"]',
        '  ingress_rules       = ["https-443-tcp", "ssh-tcp"]',
        '  ingress_with_cidr_blocks = [',
        '    {',
        '      from_port   = 8080',
        '      to_port     = 8090',
        '      protocol    = "tcp"',
        '      cidr_blocks = "10.10.0.0/16"',
        '    },',
        '    { rule = "postgresql-tcp", cidr_blocks = "0.0.0.0/0" },',
        '  ]',
        '  egress_rules = ["all-all"]',
        '}',
        'module "rdp" {',
        '  source              = "terraform-aws-modules/security-group/aws//modules/rdp"',
        '  ingress_cidr_blocks = ["0.0.0.0/0"]',
        '}',
      ].join('\n'),
    );
    expect(r.findings.map((f) => [f.checkId, f.line, f.resource])).toEqual([
      ['NET-PORT-OPEN', 6, 'module.web_sg'],
      ['NET-SSH-OPEN', 6, 'module.web_sg'],
      ['NET-DATABASE-PORT-OPEN', 14, 'module.web_sg'],
      ['NET-EGRESS-ALL', 16, 'module.web_sg'],
      ['NET-RDP-OPEN', 20, 'module.rdp'],
    ]);
  });
});

describe('Sakura servers', () => {
  it('a NIC on the shared segment without a packet filter is reported at the interface', () => {
    const r = tf(
      'resource "sakuracloud_server" "web" {\n  name = "web"\n  network_interface {\n    upstream = "shared"\n  }\n  network_interface {\n    upstream = sakuracloud_switch.sw.id\n  }\n}\n',
    );
    expect(r.findings.map((f) => [f.checkId, f.line, f.endLine])).toEqual([
      ['SAKURA-SERVER-NO-PACKET-FILTER', 3, 5],
    ]);
  });
});
