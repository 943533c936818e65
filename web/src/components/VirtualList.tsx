// A virtualised list with fixed-height rows: only the rows in view (plus a few) are in the DOM,
// so 10 000 findings scroll like 50. Arrow keys, Page Up/Down, Home/End move the focus row;
// Enter opens it, Space toggles its selection (both left to the caller).

import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

interface Props<T> {
  items: readonly T[];
  rowHeight: number;
  height: number;
  renderRow(item: T, index: number, focused: boolean): ReactNode;
  onEnter?(item: T): void;
  onSpace?(item: T): void;
  label: string;
}

const OVERSCAN = 8;

export function VirtualList<T>(props: Props<T>): ReactNode {
  const { items, rowHeight, height } = props;
  const [scrollTop, setScrollTop] = useState(0);
  const [focus, setFocus] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);

  const moveTo = (i: number): void => {
    const n = Math.max(0, Math.min(items.length - 1, i));
    setFocus(n);
    const el = box.current;
    if (!el) return;
    if (n * rowHeight < el.scrollTop) el.scrollTop = n * rowHeight;
    else if ((n + 1) * rowHeight > el.scrollTop + height) el.scrollTop = (n + 1) * rowHeight - height;
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    const item = items[focus];
    if (e.key === 'ArrowDown') moveTo(focus + 1);
    else if (e.key === 'ArrowUp') moveTo(focus - 1);
    else if (e.key === 'PageDown') moveTo(focus + page);
    else if (e.key === 'PageUp') moveTo(focus - page);
    else if (e.key === 'Home') moveTo(0);
    else if (e.key === 'End') moveTo(items.length - 1);
    else if (e.key === 'Enter' && item !== undefined) props.onEnter?.(item);
    else if (e.key === ' ' && item !== undefined) props.onSpace?.(item);
    else return;
    e.preventDefault();
  };

  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i];
    if (item === undefined) continue;
    rows.push(
      <div
        key={i}
        role="row"
        aria-rowindex={i + 1}
        className={i === focus ? 'vrow focused' : 'vrow'}
        style={{ position: 'absolute', top: i * rowHeight, height: rowHeight, left: 0, right: 0 }}
        onMouseDown={() => setFocus(i)}
      >
        {props.renderRow(item, i, i === focus)}
      </div>,
    );
  }
  return (
    <div
      ref={box}
      role="grid"
      aria-label={props.label}
      aria-rowcount={items.length}
      tabIndex={0}
      className="vlist"
      style={{ height, overflowY: 'auto', position: 'relative' }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKey}
    >
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}
