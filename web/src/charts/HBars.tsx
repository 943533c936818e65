// Horizontal bars for "top N" lists; a bar is a button when the caller can narrow on it.

import type { ReactNode } from 'react';

export interface HBarItem {
  key: string;
  label: string;
  value: number;
  note?: string;
}

interface Props {
  items: readonly HBarItem[];
  formatValue(v: number): string;
  onPick?(item: HBarItem): void;
  empty: string;
}

export function HBars(props: Props): ReactNode {
  if (props.items.length === 0) return props.empty === '' ? null : <p className="muted">{props.empty}</p>;
  const max = Math.max(1, ...props.items.map((i) => i.value));
  return (
    <ul className="hbars">
      {props.items.map((item) => {
        const body = (
          <>
            <span className="hbar-label" translate="no">
              {item.label}
              {item.note ? <small> {item.note}</small> : null}
            </span>
            <span className="hbar-track">
              <span className="hbar-fill" style={{ width: `${(item.value / max) * 100}%` }} />
            </span>
            <span className="hbar-value" translate="no">
              {props.formatValue(item.value)}
            </span>
          </>
        );
        return (
          <li key={item.key}>
            {props.onPick ? (
              <button type="button" className="hbar" onClick={() => props.onPick?.(item)}>
                {body}
              </button>
            ) : (
              <div className="hbar">{body}</div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
