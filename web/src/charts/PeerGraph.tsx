// A host and its peers as a graph: the host in the middle, peers on a circle, line width by
// bytes, red when the traffic was rejected. A peer is clickable (it becomes the centre).

import type { ReactNode } from 'react';

export interface Peer {
  ip: string;
  bytes: number;
  flows: number;
  rejected: number;
}

interface Props {
  host: string;
  peers: readonly Peer[];
  onPick?(ip: string): void;
  label: string;
  formatValue(p: Peer): string;
}

const W = 620;
const H = 420;

export function PeerGraph(props: Props): ReactNode {
  const cx = W / 2;
  const c = H / 2;
  const r = H / 2 - 40;
  const max = Math.max(1, ...props.peers.map((p) => p.bytes));
  const n = Math.max(1, props.peers.length);
  return (
    <svg className="chart peers" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.label}>
      {props.peers.map((p, i) => {
        const a = (2 * Math.PI * i) / n - Math.PI / 2;
        const x = cx + r * Math.cos(a);
        const y = c + r * Math.sin(a);
        const w = 1 + 6 * Math.sqrt(p.bytes / max);
        const bad = p.rejected > p.flows / 2;
        return (
          <g
            key={p.ip}
            className={props.onPick ? 'clickable' : undefined}
            onClick={() => props.onPick?.(p.ip)}
          >
            <title>{`${p.ip}: ${props.formatValue(p)}`}</title>
            <line x1={cx} y1={c} x2={x} y2={y} strokeWidth={w} className={bad ? 'edge rejected' : 'edge'} />
            <circle cx={x} cy={y} r={6} className="node" />
            <text
              x={x + (Math.cos(a) >= 0 ? 9 : -9)}
              y={y + 4}
              textAnchor={Math.cos(a) >= 0 ? 'start' : 'end'}
              className="tick"
            >
              {p.ip}
            </text>
          </g>
        );
      })}
      <circle cx={cx} cy={c} r={10} className="node centre" />
      <text x={cx} y={c + 26} textAnchor="middle" className="tick strong">
        {props.host}
      </text>
    </svg>
  );
}
