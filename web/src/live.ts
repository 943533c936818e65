// Live news of new findings without a reload: the server's event stream (GET /api/v1/stream)
// when it answers, otherwise a poll of the active-finding count every 15 s. Pages that show
// findings reload when `version` moves; the navigation shows how many arrived since the user
// last looked at the list.

import { createContext, useContext, useEffect, useState } from 'react';
import { get, type FindingPage } from './api.ts';

export interface Live {
  /** Moves whenever new or updated findings arrived. */
  version: number;
  /** New findings since the findings list was last opened. */
  fresh: number;
  markSeen(): void;
}

export const LiveContext = createContext<Live>({ version: 0, fresh: 0, markSeen: () => undefined });

export function useLive(): Live {
  return useContext(LiveContext);
}

const POLL_MS = 15_000;

export function useLiveFindings(enabled: boolean): Live {
  const [version, setVersion] = useState(0);
  const [fresh, setFresh] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: number | null = null;
    const poll = async (): Promise<void> => {
      try {
        const page = await get<FindingPage>('/api/v1/findings', { limit: 1, sort: 'lastSeen' });
        if (last !== null && page.total !== last) {
          if (page.total > last) setFresh((n) => n + (page.total - (last ?? 0)));
          setVersion((v) => v + 1);
        }
        last = page.total;
      } catch {
        // the next poll tries again; a 401 already sent the user to sign in
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    const source = new EventSource('/api/v1/stream');
    source.addEventListener('finding', (e: MessageEvent<string>) => {
      try {
        const msg = JSON.parse(e.data) as { kind?: string };
        if (msg.kind === 'new') setFresh((n) => n + 1);
      } catch {
        // a malformed event changes nothing but the version
      }
      setVersion((v) => v + 1);
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED && !stopped && timer === undefined) void poll();
    };
    return () => {
      stopped = true;
      source.close();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [enabled]);
  return { version, fresh, markSeen: () => setFresh(0) };
}
