// The Sakura Cloud IaaS API's JSON shapes that this product reads and writes (SAKURA.md; field
// names as in iaas-api-go `naked/*.go`). Every field is optional on read: the API is external,
// so code checks what it uses and counts what it could not use instead of trusting the shape.

export interface SubnetJson {
  NetworkAddress?: string;
  NetworkMaskLen?: number;
  DefaultRoute?: string;
}

export interface SwitchRefJson {
  ID?: string | number;
  Name?: string;
  /** `shared` for the shared (internet) segment, `user` for switches and routers. */
  Scope?: string;
  Subnet?: SubnetJson | null;
  UserSubnet?: SubnetJson | null;
}

export interface InterfaceJson {
  ID?: string | number;
  MACAddress?: string;
  IPAddress?: string | null;
  /** Private-switch address: "for display only", it does not change the NIC (SAKURA.md §4). */
  UserIPAddress?: string | null;
  HostName?: string | null;
  PacketFilter?: { ID?: string | number; Name?: string } | null;
  Switch?: SwitchRefJson | null;
}

export interface ServerJson {
  ID?: string | number;
  Name?: string;
  Description?: string;
  Tags?: string[];
  HostName?: string;
  Zone?: { Name?: string };
  Interfaces?: InterfaceJson[];
}

export interface SwitchJson {
  ID?: string | number;
  Name?: string;
  Tags?: string[];
  Subnets?: SubnetJson[];
  ServerCount?: number;
}

export type PacketFilterProtocol = 'http' | 'https' | 'tcp' | 'udp' | 'icmp' | 'fragment' | 'ip';

export interface PacketFilterExpression {
  Protocol: string;
  SourceNetwork?: string;
  SourcePort?: string;
  DestinationPort?: string;
  Action: string;
  Description?: string;
}

export interface PacketFilterJson {
  ID?: string | number;
  Name?: string;
  Description?: string;
  ExpressionHash?: string;
  Expression?: PacketFilterExpression[];
}

export interface RouterFirewallRule {
  Protocol?: string;
  SourceNetwork?: string;
  SourcePort?: string;
  DestinationNetwork?: string;
  DestinationPort?: string;
  Action?: string;
  /** `"True"` / `"False"`. */
  Logging?: string;
  Description?: string;
}

export interface RouterSettingsJson {
  Firewall?: {
    Enabled?: string;
    /** Index = NIC index: 0 public, 1-7 private. */
    Config?: { Receive?: RouterFirewallRule[] | null; Send?: RouterFirewallRule[] | null }[];
  };
  SyslogHost?: string | null;
  Interfaces?: ({ IPAddress?: string[]; VirtualIPAddress?: string; NetworkMaskLen?: number } | null)[];
}

export interface ApplianceJson {
  ID?: string | number;
  Name?: string;
  Class?: string;
  Tags?: string[];
  Zone?: { Name?: string };
  Settings?: { Router?: RouterSettingsJson };
  SettingsHash?: string;
  Interfaces?: InterfaceJson[];
}

export interface SessionCount {
  name?: string;
  count?: number;
}

export interface RouterStatusJson {
  FirewallReceiveLogs?: string[] | null;
  FirewallSendLogs?: string[] | null;
  VPNLogs?: string[] | null;
  SessionCount?: number;
  SessionAnalysis?: {
    SourceAndDestination?: SessionCount[] | null;
    DestinationAddress?: SessionCount[] | null;
    DestinationPort?: SessionCount[] | null;
    SourceAddress?: SessionCount[] | null;
  } | null;
}

/** The documented error body (iaas-api-go `error.go`). */
export interface ApiErrorJson {
  is_fatal?: boolean;
  serial?: string;
  status?: string;
  error_code?: string;
  error_msg?: string;
}

export const idText = (id: string | number | undefined): string => (id === undefined ? '' : String(id));
