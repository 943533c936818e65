// A destructive action in two presses: the first turns the button into "confirm" (focus stays on
// it, so Enter twice works from the keyboard); Escape or leaving the button cancels.

import { useState, type ReactNode } from 'react';

export function ConfirmButton(props: {
  label: string;
  confirm: string;
  onConfirm(): Promise<void>;
  disabled?: boolean;
}): ReactNode {
  const [armed, setArmed] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className={armed ? 'small danger' : 'small'}
      disabled={busy || props.disabled === true}
      onBlur={() => setArmed(false)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setArmed(false);
      }}
      onClick={() => {
        if (!armed) {
          setArmed(true);
          return;
        }
        setBusy(true);
        props.onConfirm().finally(() => {
          setBusy(false);
          setArmed(false);
        });
      }}
    >
      {armed ? props.confirm : props.label}
    </button>
  );
}
