// The response service: for each new or updated finding, the policies that match choose
// responders and a mode. off: nothing. dry-run (the default): record what would happen.
// approve: record a pending action that a person approves (`respond approve ID`). automatic:
// act now. Protected addresses (guard.ts) are refused and recorded with the reason; an address
// already blocked by a responder is not blocked twice. Every step lands in the response store;
// `undo` reverses an applied action, `sweep` lifts those past their expiry.

import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { UserError, errorMessage } from '../core/errors.ts';
import type { AssetLookup, IntelLookup } from '../engine/lookups.ts';
import type { Finding } from '../findings/finding.ts';
import { globMatches } from '../findings/glob.ts';
import type { RespondConfig } from './config.ts';
import { refusalReason } from './guard.ts';
import type { Responder, ResponseTarget } from './responder.ts';
import type { ActionStatus, ResponseAction, ResponseStore } from './store.ts';

export interface ResponseServiceDeps {
  config: RespondConfig;
  responders: readonly Responder[];
  store: ResponseStore;
  clock: Clock;
  assets: AssetLookup;
  intel: IntelLookup;
  log?: (level: 'info' | 'error', message: string) => void;
  /** Action ids; random by default. */
  newId?: () => string;
}

export interface ResponseService {
  onFinding(f: Finding): Promise<ResponseAction[]>;
  approve(id: string, by: string): Promise<ResponseAction>;
  undo(id: string, by: string): Promise<ResponseAction>;
  /** Lifts applied actions and drops pending approvals past their expiry; returns how many. */
  sweep(): Promise<number>;
  /** Recorded actions, newest first. */
  list(q?: { status?: ActionStatus; findingId?: string; limit?: number }): Promise<ResponseAction[]>;
}

const target = (a: ResponseAction): ResponseTarget => ({
  actionId: a.id,
  ip: a.ip,
  findingId: a.findingId,
  findingType: a.findingType,
  expiresAtMs: a.expiresAt,
  durationSeconds: a.durationSeconds,
});

export function createResponseService(deps: ResponseServiceDeps): ResponseService {
  const { config, store, clock } = deps;
  const byName = new Map(deps.responders.map((r) => [r.name, r]));
  const newId = deps.newId ?? (() => `ra-${randomBytes(6).toString('hex')}`);
  const log = deps.log ?? (() => {});

  const responderOf = (a: ResponseAction): Responder => {
    const r = byName.get(a.responder);
    if (!r)
      throw new UserError(`responder ${a.responder} of action ${a.id} is not configured`, {
        hint: 'add it back to respond.responders in the configuration, or undo the change by hand',
      });
    return r;
  };

  const apply = async (a: ResponseAction, by: string): Promise<ResponseAction> => {
    const r = responderOf(a);
    // What the remaining time allows: an approval given late does not extend the block.
    const remaining = Math.max(1, Math.round((a.expiresAt - clock.now()) / 1000));
    const t = { ...target(a), durationSeconds: remaining };
    try {
      const undoState = await r.apply(t);
      const done: ResponseAction = {
        ...a,
        status: 'applied',
        undoState,
        updatedAt: clock.now(),
        error: null,
      };
      await store.save(done, { event: 'applied', by, detail: a.description });
      log('info', `respond: ${a.id} applied: ${a.description}`);
      return done;
    } catch (e) {
      const failed: ResponseAction = {
        ...a,
        status: 'failed',
        updatedAt: clock.now(),
        error: errorMessage(e),
      };
      await store.save(failed, { event: 'failed', by, detail: errorMessage(e) });
      log('error', `respond: ${a.id} failed: ${errorMessage(e)}`);
      return failed;
    }
  };

  const lift = async (
    a: ResponseAction,
    by: string,
    status: 'undone' | 'expired',
  ): Promise<ResponseAction> => {
    if (a.status === 'applied') await responderOf(a).undo(target(a), a.undoState ?? {});
    const done: ResponseAction = { ...a, status, updatedAt: clock.now() };
    await store.save(done, {
      event: status,
      by,
      detail: a.status === 'applied' ? 'block lifted' : 'approval no longer needed',
    });
    return done;
  };

  return {
    async onFinding(f) {
      const out: ResponseAction[] = [];
      if (f.status !== 'active' || f.role !== 'target') return out; // act on attackers of our resources only
      const seen = new Set<string>();
      for (const p of config.policies) {
        const mode = p.mode ?? config.defaultMode;
        if (mode === 'off' || f.severity < p.minSeverity) continue;
        if (p.types.length > 0 && !p.types.some((g) => globMatches(g, f.type))) continue;
        for (const name of p.responders) {
          const r = byName.get(name);
          if (!r || seen.has(name)) continue;
          seen.add(name);
          const now = clock.now();
          if ((await store.live(name, f.actor.ip, now)) !== null) continue;
          const a: ResponseAction = {
            id: newId(),
            createdAt: now,
            updatedAt: now,
            findingId: f.id,
            findingType: f.type,
            severity: f.severity,
            ip: f.actor.ip,
            responder: name,
            policy: p.name,
            mode,
            status: 'dry-run',
            description: '',
            expiresAt: now + p.durationSeconds * 1000,
            durationSeconds: p.durationSeconds,
            undoState: null,
            error: null,
          };
          a.description = r.describe(target(a));
          const refused = refusalReason(f.actor.ip, {
            protect: config.protect,
            assets: deps.assets,
            intel: deps.intel,
          });
          const status: ActionStatus =
            refused !== null
              ? 'refused'
              : mode === 'dry-run'
                ? 'dry-run'
                : mode === 'approve'
                  ? 'pending-approval'
                  : 'applied';
          if (status === 'applied') {
            await store.save(
              { ...a, status: 'pending-approval' },
              { event: 'decided', by: 'policy', detail: `${p.name}: automatic` },
            );
            out.push(await apply(a, 'policy'));
            continue;
          }
          const saved = { ...a, status, error: refused };
          await store.save(saved, { event: status, by: 'policy', detail: refused ?? `${p.name}: ${mode}` });
          out.push(saved);
        }
      }
      return out;
    },
    async approve(id, by) {
      const a = await store.get(id);
      if (!a)
        throw new UserError(`no response action ${id}`, {
          hint: 'list them with `sakura-guard respond list`',
        });
      if (a.status !== 'pending-approval')
        throw new UserError(`action ${id} is ${a.status}, not waiting for approval`, {
          hint: 'only pending-approval actions can be approved',
        });
      if (a.expiresAt <= clock.now()) return lift(a, by, 'expired');
      return apply(a, `approved by ${by}`);
    },
    async undo(id, by) {
      const a = await store.get(id);
      if (!a)
        throw new UserError(`no response action ${id}`, {
          hint: 'list them with `sakura-guard respond list`',
        });
      if (a.status !== 'applied' && a.status !== 'pending-approval')
        throw new UserError(`action ${id} is ${a.status}; there is nothing to undo`, {
          hint: 'only applied (or pending) actions can be undone',
        });
      return lift(a, by, 'undone');
    },
    list: (q) => store.list(q),
    async sweep() {
      let n = 0;
      for (const a of await store.expired(clock.now())) {
        try {
          await lift(a, 'expiry', 'expired');
          n++;
        } catch (e) {
          log('error', `respond: lifting ${a.id} failed: ${errorMessage(e)} (retried next sweep)`);
        }
      }
      return n;
    },
  };
}
