// Observed value against the threshold (or baseline) that fired: two bars on one scale.

import type { ReactNode } from 'react';

interface Props {
  observed: number;
  threshold: number;
  labels: { observed: string; threshold: string };
  format(v: number): string;
}

export function Meter(props: Props): ReactNode {
  const max = Math.max(props.observed, props.threshold, 1);
  const row = (label: string, v: number, cls: string): ReactNode => (
    <div className="meter-row">
      <span className="meter-label">{label}</span>
      <span className="meter-track">
        <span className={`meter-fill ${cls}`} style={{ width: `${(v / max) * 100}%` }} />
      </span>
      <span className="meter-value" translate="no">
        {props.format(v)}
      </span>
    </div>
  );
  return (
    <div className="meter">
      {row(props.labels.threshold, props.threshold, 'threshold')}
      {row(props.labels.observed, props.observed, 'observed')}
    </div>
  );
}
