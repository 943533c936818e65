// The literal registry of posture checks. Ids are stable (SARIF dedup, suppressions, CI gates):
// never rename one; retire it and add a new id instead. docs/posture-checks.md is generated from
// this list (src/audit/docs.ts).

import type { CheckDefinition } from '../types.ts';

const FIREWALLS = ['terraform'] as const;

export const CHECKS = [
  // Rules that expose services to the internet: AWS security groups, Sakura packet filters and
  // VPC-router firewalls share these ids.
  {
    id: 'NET-ALL-PORTS-OPEN',
    title: 'Every port is open to the internet',
    severity: 'critical',
    inputs: FIREWALLS,
    description:
      'An ingress rule allows all protocols, or every TCP/UDP port, from a source that covers the whole address space (`0.0.0.0/0`, `::/0`, or any `x/0`). Reported once per rule; the port checks below skip such rules.',
    remediation: 'Allow only the ports the service needs, from the narrowest sources that use them.',
    related: ['CKV_AWS_277', 'KICS Unrestricted Security Group Ingress', 'prowler …_to_all_ports'],
  },
  {
    id: 'NET-SSH-OPEN',
    title: 'SSH (22) is open to the internet',
    severity: 'high',
    inputs: FIREWALLS,
    description: 'A TCP ingress rule covering port 22 allows a source that covers the whole address space.',
    remediation: "Restrict SSH to the administrators' addresses or a bastion/VPN, or use a session manager.",
    related: ['CKV_AWS_24', 'AVD-AWS-0107', 'prowler …_tcp_port_22'],
  },
  {
    id: 'NET-RDP-OPEN',
    title: 'RDP (3389) is open to the internet',
    severity: 'high',
    inputs: FIREWALLS,
    description: 'A TCP ingress rule covering port 3389 allows a source that covers the whole address space.',
    remediation: "Restrict RDP to the administrators' addresses or reach it through a VPN or bastion.",
    related: ['CKV_AWS_25', 'AVD-AWS-0107', 'prowler …_tcp_port_3389'],
  },
  {
    id: 'NET-ADMIN-PORT-OPEN',
    title: 'A remote-administration port is open to the internet',
    severity: 'high',
    inputs: FIREWALLS,
    description:
      'An ingress rule opens Telnet, FTP, SMB/RPC, VNC, WinRM, the Docker API, etcd or the kubelet to the whole address space.',
    remediation: 'Close the port to the internet; reach the service through a VPN or bastion.',
    related: ['KICS Sensitive Port Exposed To Entire Network', 'prowler …_telnet_23/_ftp_20_21'],
  },
  {
    id: 'NET-DATABASE-PORT-OPEN',
    title: 'A database or cache port is open to the internet',
    severity: 'high',
    inputs: FIREWALLS,
    description:
      'An ingress rule opens a database, cache or broker port (PostgreSQL, MySQL, Redis, MongoDB, Elasticsearch, SQL Server, Memcached, Kafka…) to the whole address space. Critical when the resource also has a public IP address.',
    remediation:
      'Allow the port only from the application tier (a security-group reference or its private subnet).',
    related: [
      'KICS Sensitive Port Exposed To Entire Network',
      'prowler …_mysql_3306/_postgres_5432/_redis_6379…',
    ],
  },
  {
    id: 'NET-PORT-OPEN',
    title: 'A port is open to the internet',
    severity: 'medium',
    inputs: FIREWALLS,
    description:
      'An ingress rule opens a port not in the catalogue of sensitive services to the whole address space. Low for HTTP (80) and HTTPS (443), which are usually meant to be public.',
    remediation: 'Confirm the service is meant to be public; otherwise narrow the source.',
    related: ['CKV_AWS_260', 'KICS Unknown Port Exposed To Internet', 'prowler …_any_port'],
  },
  {
    id: 'NET-PROTOCOL-OPEN',
    title: 'A portless protocol is open to the internet',
    severity: 'low',
    inputs: FIREWALLS,
    description:
      "An ingress rule allows a protocol without ports (ICMP, GRE, ESP…) from the whole address space. Not an SSH or all-ports exposure (unlike Prowler's old GRE false positive).",
    remediation: 'Allow the protocol only from the peers that need it (VPN endpoints, monitoring).',
  },
  {
    id: 'NET-WIDE-PUBLIC-SOURCE',
    title: 'Ingress allowed from a wide public network',
    severity: 'medium',
    inputs: FIREWALLS,
    description: 'An ingress rule allows a public IPv4 block shorter than /24 (or IPv6 shorter than /48).',
    remediation: 'List the exact addresses that need access.',
    related: ['prowler ec2_securitygroup_allow_wide_open_public_ipv4', 'KICS Small Public Network'],
  },
  {
    id: 'NET-WIDE-PRIVATE-SOURCE',
    title: 'A sensitive port is open to a wide private network',
    severity: 'low',
    inputs: FIREWALLS,
    description:
      'An ingress rule opens a remote-administration or database port to a private block shorter than /16 (such as 10.0.0.0/8), wider than one VPC.',
    remediation: 'Allow only the subnet or security group of the clients.',
    related: ['KICS Sensitive Port Exposed To Wide Private Network'],
  },
  {
    id: 'NET-EGRESS-ALL',
    title: 'All egress to the internet is allowed',
    severity: 'low',
    inputs: FIREWALLS,
    description: 'An egress rule allows every protocol to the whole address space, which eases exfiltration.',
    remediation: 'Allow egress only to the destinations and ports the workload uses.',
    related: ['CKV_AWS_382', 'AVD-AWS-0104'],
  },
  {
    id: 'AWS-NACL-SSH-OPEN',
    title: 'Network ACL lets SSH in from the internet',
    severity: 'medium',
    inputs: FIREWALLS,
    description: 'In `rule_no` order, the first NACL ingress rule matching TCP/22 from anywhere is an allow.',
    remediation: 'Add a lower-numbered deny for port 22 from 0.0.0.0/0, or narrow the allow.',
    related: ['CKV_AWS_232', 'AVD-AWS-0105'],
  },
  {
    id: 'AWS-NACL-RDP-OPEN',
    title: 'Network ACL lets RDP in from the internet',
    severity: 'medium',
    inputs: FIREWALLS,
    description:
      'In `rule_no` order, the first NACL ingress rule matching TCP/3389 from anywhere is an allow.',
    remediation: 'Add a lower-numbered deny for port 3389 from 0.0.0.0/0, or narrow the allow.',
    related: ['CKV_AWS_231', 'AVD-AWS-0105'],
  },
  {
    id: 'AWS-NACL-ALL-OPEN',
    title: 'Network ACL allows all traffic from the internet',
    severity: 'high',
    inputs: FIREWALLS,
    description:
      'A NACL ingress allow rule covers all protocols (or every port) from anywhere. Deny rules are never flagged.',
    remediation:
      'Allow only the ports the subnet serves, or rely on security groups and keep the NACL explicit.',
    related: ['CKV_AWS_352', 'AVD-AWS-0102'],
  },
  {
    id: 'AWS-DEFAULT-SG-HAS-RULES',
    title: 'The default security group has rules',
    severity: 'high',
    inputs: FIREWALLS,
    description: 'Resources launched without a security group get the default one; it should allow nothing.',
    remediation: 'Declare `aws_default_security_group` with no ingress or egress blocks.',
    related: ['CKV2_AWS_12', 'AVD-AWS-0173'],
  },
  {
    id: 'AWS-SG-UNATTACHED',
    title: 'Security group is not referenced by anything',
    severity: 'low',
    inputs: FIREWALLS,
    description:
      'No resource in the module refers to the security group; it is dead configuration or a forgotten attachment.',
    remediation: 'Attach it where intended or delete it.',
    related: ['CKV2_AWS_5', 'prowler ec2_securitygroup_not_used'],
  },
  {
    id: 'AWS-VPC-NO-FLOW-LOGS',
    title: 'VPC has no flow log',
    severity: 'medium',
    inputs: FIREWALLS,
    description:
      'No `aws_flow_log` in the module refers to the VPC: Sakura Guard (and any investigation) has no traffic to see.',
    remediation: 'Add an `aws_flow_log` with `vpc_id` pointing at the VPC and `traffic_type = "ALL"`.',
    related: ['CKV2_AWS_11', 'AVD-AWS-0178', 'prowler vpc_flow_logs_enabled'],
  },
  {
    id: 'SAKURA-PF-NO-DEFAULT-DENY',
    title: 'Sakura packet filter does not end with a deny-all rule',
    severity: 'medium',
    inputs: FIREWALLS,
    description:
      'Sakura packet filters pass traffic that matches no expression; without a final `protocol = "ip"`, `allow = false` expression every port not listed stays open.',
    remediation:
      'Append `expression { protocol = "ip"  allow = false  description = "Deny ALL" }` (after allowing TCP replies on ephemeral ports).',
  },
  {
    id: 'SAKURA-SERVER-NO-PACKET-FILTER',
    title: 'Sakura server on the shared segment without a packet filter',
    severity: 'medium',
    inputs: FIREWALLS,
    description:
      'A `network_interface` with `upstream = "shared"` gets a global address; without `packet_filter_id` every port the server opens is reachable from the internet unless its own firewall stops it.',
    remediation:
      'Attach a packet filter that allows only the needed ports and ends with a deny-all expression.',
  },
  {
    id: 'SAKURA-ROUTER-FW-LOGGING-OFF',
    title: 'Sakura VPC/VPN-router firewall rule does not log',
    severity: 'low',
    inputs: FIREWALLS,
    description:
      'Sakura Cloud has no flow logs: a router firewall rule with logging off leaves no trace of the traffic it allowed or dropped, so neither syslog nor status polling can show it to Sakura Guard.',
    remediation:
      'Set `logging = true` on the rule (`Logging: "True"` in the API) and point the router\'s `syslog_host` at Sakura Guard (docs/sakura.md).',
  },
  // docker-compose
  {
    id: 'COMPOSE-DATABASE-PORT-PUBLISHED',
    title: 'Database port published on all host interfaces',
    severity: 'high',
    inputs: ['compose'],
    description:
      'A database or cache service publishes its port without a host address (or with `0.0.0.0`/`::`), so it listens on every interface of the host. Docker inserts its own iptables rules, so a host firewall INPUT chain does not protect it.',
    remediation:
      'Remove the published port (services on the same network reach it by name) or bind it to `127.0.0.1:`.',
    related: ['KICS Container Traffic Not Bound To Host Interface', 'compose-lint CL-0005'],
  },
  {
    id: 'COMPOSE-PORT-PUBLISHED',
    title: 'Port published on all host interfaces',
    severity: 'medium',
    inputs: ['compose'],
    description: 'A service publishes a port without a host address (or with `0.0.0.0`/`::`).',
    remediation: 'Bind it to a specific address (`127.0.0.1:8080:80`) unless it must be public.',
    related: ['KICS Container Traffic Not Bound To Host Interface', 'compose-lint CL-0005'],
  },
  {
    id: 'COMPOSE-HOST-NETWORK',
    title: 'Service uses the host network namespace',
    severity: 'high',
    inputs: ['compose'],
    description:
      '`network_mode: host` removes network isolation: every port the container opens is open on the host.',
    remediation: 'Use a bridge network and publish only the needed ports.',
    related: ['KICS Network Mode Host Exists', 'compose-lint CL-0008'],
  },
  {
    id: 'COMPOSE-PRIVILEGED',
    title: 'Service runs privileged',
    severity: 'high',
    inputs: ['compose'],
    description:
      "`privileged: true` gives the container the host's devices and capabilities, including its firewall.",
    remediation: 'Drop `privileged` and add only the capabilities needed with `cap_add`.',
    related: ['KICS Privileged Containers Enabled'],
  },
  {
    id: 'COMPOSE-DOCKER-SOCKET',
    title: 'Docker socket mounted into a service',
    severity: 'high',
    inputs: ['compose'],
    description: 'Mounting `/var/run/docker.sock` gives the container root on the host.',
    remediation: 'Use a socket proxy that allows only the API calls needed, or remove the mount.',
    related: ['KICS Docker Socket Mounted'],
  },
  {
    id: 'COMPOSE-DEFAULT-NETWORK',
    title: 'Services share the default network',
    severity: 'low',
    inputs: ['compose'],
    description: 'No service declares `networks`, so every service can reach every other one.',
    remediation:
      'Declare networks per tier (e.g. `frontend`, `backend`) and attach each service only where needed.',
    related: ['KICS Networks Not Set'],
  },
  {
    id: 'COMPOSE-PUBLISH-BYPASSES-FIREWALL',
    title: 'Published port bypasses the host firewall',
    severity: 'high',
    inputs: ['compose', 'iptables', 'nft'],
    description:
      'The host firewall audited with this file drops inbound traffic in INPUT, but Docker forwards published ports through its own chains; only DOCKER-USER can filter them, and it does not.',
    remediation: 'Bind the port to 127.0.0.1, or add DOCKER-USER rules that drop it from untrusted sources.',
    related: ['compose-lint CL-0005'],
  },
  // iptables-save and nft list ruleset
  {
    id: 'HOST-DEFAULT-ACCEPT',
    title: 'Host firewall accepts by default',
    severity: 'high',
    inputs: ['iptables', 'nft'],
    description:
      "The INPUT or FORWARD chain's policy is ACCEPT and the chain does not end with a catch-all drop/reject.",
    remediation:
      'Set the policy to DROP (`iptables -P INPUT DROP`, nft `policy drop;`) after allowing established traffic, loopback and the needed services.',
    related: ['CIS 3.5.x'],
  },
  {
    id: 'HOST-DATABASE-PORT-OPEN',
    title: 'Host firewall accepts a database port from any source',
    severity: 'high',
    inputs: ['iptables', 'nft'],
    description:
      'An INPUT rule (or a chain it jumps to) accepts a database or cache port without a source restriction.',
    remediation:
      'Add a source restriction (`-s 10.0.0.0/16`, nft `ip saddr`) or an input-interface restriction.',
  },
  // Kubernetes
  {
    id: 'K8S-NAMESPACE-NO-DEFAULT-DENY',
    title: 'Namespace has workloads but no default-deny NetworkPolicy',
    severity: 'medium',
    inputs: ['kubernetes'],
    description:
      'No NetworkPolicy with `podSelector: {}` isolates ingress in a namespace that runs workloads, so pods accept traffic from everywhere in the cluster unless a policy happens to select them.',
    remediation:
      'Add a policy with `podSelector: {}` and `policyTypes: [Ingress]` (and Egress), then allow what is needed.',
    related: ['Kubescape C-0054', 'CKV2_K8S_6', 'kube-score pod-networkpolicy'],
  },
  {
    id: 'K8S-WORKLOAD-NOT-ISOLATED',
    title: 'Workload is not selected by any ingress NetworkPolicy',
    severity: 'medium',
    inputs: ['kubernetes'],
    description:
      "The namespace has policies, but none selects this workload's pod labels (matchLabels and matchExpressions) with an Ingress policy type.",
    remediation: 'Add or widen a NetworkPolicy that selects the workload.',
    related: ['Kubescape C-0260', 'kube-score pod-networkpolicy', 'KICS Pod Misconfigured Network Policy'],
  },
  {
    id: 'K8S-POLICY-ALLOW-ALL',
    title: 'NetworkPolicy rule allows all traffic',
    severity: 'medium',
    inputs: ['kubernetes'],
    description:
      'An ingress or egress rule with no peers and no ports (`ingress: [{}]`), or with an `ipBlock` of `0.0.0.0/0` and no ports, allows everything and cancels the isolation of the pods it selects.',
    remediation: 'List the peers (`from`/`to`) and ports the pods need.',
  },
  {
    id: 'K8S-POLICY-SELECTS-NOTHING',
    title: 'NetworkPolicy selects no workload',
    severity: 'low',
    inputs: ['kubernetes'],
    description:
      "The policy's podSelector matches no workload audited in its namespace (an empty selector matches all and is never reported).",
    remediation: "Fix the selector's labels or delete the policy.",
    related: ['kube-score networkpolicy-targets-pod', 'Kubescape C-0299'],
  },
  {
    id: 'K8S-HOST-NETWORK',
    title: 'Pod uses the host network',
    severity: 'high',
    inputs: ['kubernetes'],
    description:
      '`hostNetwork: true` bypasses NetworkPolicies and exposes every port the pod opens on the node.',
    remediation: 'Remove `hostNetwork` and expose the pod through a Service.',
    related: ['CKV_K8S_19', 'KSV-0009', 'Kubescape C-0041'],
  },
  {
    id: 'K8S-HOST-PORT',
    title: 'Container binds a host port',
    severity: 'medium',
    inputs: ['kubernetes'],
    description:
      "`hostPort` opens the port on the node's address, outside NetworkPolicy and Service control.",
    remediation: 'Remove `hostPort` and use a Service (ClusterIP, or NodePort/LoadBalancer deliberately).',
    related: ['CKV_K8S_26', 'KSV-0024', 'Kubescape C-0044'],
  },
  // The audit itself
  {
    id: 'AUDIT-SUPPRESSION-NO-REASON',
    title: 'Inline suppression without a reason',
    severity: 'low',
    inputs: ['compose', 'terraform', 'iptables', 'nft', 'kubernetes'],
    description: 'A `sakura-guard:ignore CHECK-ID` comment gives no reason, so it is not honoured.',
    remediation:
      'Write the reason after the check id: `# sakura-guard:ignore NET-SSH-OPEN bastion, reviewed 2026-11`.',
  },
  // Joined with observed traffic (--flows-from)
  {
    id: 'FLOW-EXPOSURE-PROBED',
    title: 'Port was probed from the internet and rejected',
    severity: 'info',
    inputs: FIREWALLS,
    description:
      'Flows show rejected connection attempts from public addresses to a port no audited rule opens.',
    remediation: 'Nothing to change; the filter works. Keep the rule set as it is.',
  },
  {
    id: 'FLOW-RULE-UNUSED',
    title: 'Rule saw no traffic over the window',
    severity: 'info',
    inputs: FIREWALLS,
    description:
      'No accepted flow matched the rule during the observed window; the finding states the window and its gaps (NODATA/SKIPDATA) as the confidence.',
    remediation: "Remove the rule if the window covers the service's normal cycle (cron, batch, failover).",
  },
  {
    id: 'FLOW-RULE-NARROW',
    title: 'Rule is wider than the traffic it carries',
    severity: 'info',
    inputs: FIREWALLS,
    description:
      "Accepted flows used the rule only from a few sources: a narrower rule is proposed as a diff at the rule's line. Reply traffic (source port below 1024 to an ephemeral port) is never proposed.",
    remediation: "Apply the proposed diff after checking the window covers the service's normal cycle.",
  },
] as const satisfies readonly CheckDefinition[];

export type CheckId = (typeof CHECKS)[number]['id'];

const BY_ID = new Map<string, CheckDefinition>(CHECKS.map((c) => [c.id, c]));

export function checkDefinition(id: CheckId): CheckDefinition {
  return BY_ID.get(id)!;
}

export function isCheckId(id: string): id is CheckId {
  return BY_ID.has(id);
}
