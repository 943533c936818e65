// Live inputs of `serve`: the NetFlow/IPFIX UDP collector feeding the store and the detection
// pipeline. The collector's receive path only queues datagrams (sources/netflow-udp.ts); each
// decode turn's flows are appended to the store and shown to the detectors, rejections go to the
// quarantine file, and a timer flushes the store and moves detection's watermark once a second
// so findings appear while traffic is idle too. Detection runs in live mode: a finding is stored
// with the record that completes the attack (engine/detector.ts, `early`).

import type { DuckDBConnection } from '@duckdb/node-api';
import { loadAssets } from '../assets/load.ts';
import { profiledDetectors } from '../behavior/duckdb-profiles.ts';
import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import { openQuarantine, type Quarantine } from '../core/quarantine.ts';
import type { ParseOutput } from '../core/records.ts';
import { createDetectionPipeline, type DetectionPipeline } from '../engine/pipeline.ts';
import type { AssetLookup, IntelLookup } from '../engine/lookups.ts';
import type { FindingEvents } from '../findings/events.ts';
import type { FindingStore } from '../findings/store.ts';
import { loadIntel } from '../intel/store.ts';
import { withRulesSection } from '../rules/config.ts';
import {
  createNetflowUdpSource,
  type BoundSocket,
  type NetflowUdpCounters,
  type NetflowUdpSource,
} from '../sources/netflow-udp.ts';
import { replayStoredFlows } from '../store/replay.ts';
import type { FlowStore } from '../store/store.ts';
import type { MetricsSink } from '../api/route.ts';
import type { SakuraGuardConfig } from '../config/schema.ts';
import { createSyslogUdpSource, type SyslogUdpCounters, type SyslogUdpSource } from './syslog-udp.ts';

export interface LiveInputs {
  netflow: BoundSocket[];
  pipeline: DetectionPipeline;
  /** Bound syslog sockets (empty when syslog is off). */
  syslog: { address: string; port: number }[];
  syslogCounters(): SyslogUdpCounters | null;
  /** The collector's counters, or null when NetFlow is off. */
  netflowCounters(): NetflowUdpCounters | null;
  /** Decodes what is queued, writes it and moves detection (tests call this instead of waiting). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface LiveDeps {
  config: SakuraGuardConfig;
  dataDir: string;
  clock: Clock;
  flows: FlowStore;
  findings: FindingStore;
  /** Told of every stored finding (alert router, API stream). */
  findingEvents?: FindingEvents;
  /** The asset inventory; read from the data directory when not given. */
  assets?: AssetLookup;
  /** Threat-intel and trusted lists; default: loaded from the data directory once. */
  intel?: IntelLookup;
  metrics: MetricsSink;
  log(level: 'info' | 'error', message: string): void;
}

export async function startLiveInputs(deps: LiveDeps): Promise<LiveInputs> {
  const { config, clock, flows, metrics } = deps;
  // Host profiles (src/behavior) persist in the DuckDB file beside the flows; saved every
  // profileSaveSeconds and on stop.
  const conn = (flows as { connection?: DuckDBConnection }).connection;
  const profiled = conn === undefined ? null : await profiledDetectors(conn, config.detection);
  const pipeline = createDetectionPipeline({
    ...(profiled === null ? {} : { detectors: profiled.detectors }),
    config: withRulesSection(config.detection, config.rules),
    intel: deps.intel ?? (await loadIntel(deps.dataDir)),
    assets: deps.assets ?? (await loadAssets(deps.dataDir)),
    findingStore: deps.findings,
    clock,
    // Live: a finding is stored with the record that completes the attack, not at window close.
    early: true,
    ...(deps.findingEvents ? { findingEvents: deps.findingEvents } : {}),
  });
  // Detector state is rebuilt from the store: the last window's worth of stored records goes
  // through the fresh pipeline before any input is accepted (findings are idempotent).
  let replayed = 0;
  if (config.detection.replaySeconds > 0 && config.detection.replayMaxRows > 0) {
    try {
      for await (const b of replayStoredFlows(flows, {
        seconds: config.detection.replaySeconds,
        maxRows: config.detection.replayMaxRows,
      })) {
        await pipeline.onFlows(b);
        replayed += b.length;
      }
    } catch (e) {
      // A store without the embedded table layout (scale-out) has no replay; detection starts empty.
      deps.log('error', `detection: could not replay stored records: ${errorMessage(e)}`);
    }
    if (replayed > 0)
      deps.log('info', `detection: replayed ${replayed} stored records to rebuild its windows`);
  }
  let quarantine: Quarantine | null = null;
  // One write at a time: decode turns and the timer both touch the store and the pipeline.
  let chain: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void>): Promise<void> => {
    chain = chain.then(fn).catch((e: unknown) => deps.log('error', `live input: ${errorMessage(e)}`));
    return chain;
  };

  const quarantineAdd = (source: string, rejections: ParseOutput['rejections']): void => {
    quarantine ??= openQuarantine(deps.dataDir, clock.now());
    quarantine.add(rejections);
    metrics.inc('sakura_guard_records_quarantined_total', { source }, rejections.length);
  };
  const onOutput = (source: string, o: ParseOutput): Promise<void> => serial(() => onOutputNow(source, o));
  const onOutputNow = async (source: string, o: ParseOutput): Promise<void> => {
    for (const b of o.batches) {
      await flows.appendFlows(b);
      await pipeline.onFlows(b);
      metrics.inc('sakura_guard_records_in_total', { source }, b.length);
    }
    if (o.gaps.length > 0) {
      await flows.appendGaps(o.gaps);
      pipeline.onGaps(o.gaps);
    }
    if (o.rejections.length > 0) quarantineAdd(source, o.rejections);
  };

  let syslog: SyslogUdpSource | null = null;
  // Syslog is decoded every 100 ms, so a line that completes an attack is detected within about
  // that; the store is flushed and the watermark moved once a second.
  const decodeSyslog = async (): Promise<void> => {
    if (!syslog) return;
    const out = syslog.decode();
    await onOutputNow('syslog', out.flows);
    if (out.events.events.length > 0) await flows.appendEvents(out.events.events);
    for (const e of out.events.events) await pipeline.onEvent(e);
    if (out.events.events.length > 0)
      metrics.inc('sakura_guard_events_in_total', { source: 'syslog' }, out.events.events.length);
    if (out.events.rejections.length > 0) quarantineAdd('syslog', out.events.rejections);
  };
  const saveEvery = config.detection.profileSaveSeconds * 1000;
  let savedAt = clock.now();
  const tick = (): Promise<void> =>
    serial(async () => {
      await decodeSyslog();
      await flows.flush();
      await pipeline.tick();
      // Inside the serial chain: every record stored so far has been through the profiles.
      if (profiled !== null && saveEvery > 0 && clock.now() - savedAt >= saveEvery) {
        savedAt = clock.now();
        await profiled.profiles.save();
      }
    });

  let netflow: NetflowUdpSource | null = null;
  let bound: BoundSocket[] = [];
  if (config.inputs.netflow.enabled) {
    const { enabled: _enabled, ...options } = config.inputs.netflow;
    netflow = createNetflowUdpSource(options, {
      clock,
      onOutput: (o) => onOutput('netflow', o),
      onError: (m) => deps.log('error', `netflow: ${m}`),
    });
    bound = await netflow.start();
    for (const b of bound) deps.log('info', `netflow: listening on ${b.address}:${b.port}/udp`);
  }
  let syslogBound: { address: string; port: number }[] = [];
  if (config.inputs.syslog.enabled) {
    syslog = createSyslogUdpSource(config.inputs.syslog, clock);
    try {
      syslogBound = await syslog.start();
    } catch (e) {
      await syslog.stop();
      await netflow?.stop();
      throw e;
    }
    for (const b of syslogBound) deps.log('info', `syslog: listening on ${b.address}:${b.port}/udp`);
    for (const b of syslog.tcpBound) deps.log('info', `syslog: listening on ${b.address}:${b.port}/tcp`);
  }
  const timer = setInterval(() => void tick(), 1000);
  timer.unref();
  const syslogTimer = syslog ? setInterval(() => void serial(decodeSyslog), 100) : null;
  syslogTimer?.unref();

  return {
    netflow: bound,
    pipeline,
    netflowCounters: () => netflow?.counters() ?? null,
    syslog: syslogBound,
    syslogCounters: () => syslog?.counters() ?? null,
    async settle() {
      await netflow?.drain();
      await tick();
    },
    async stop() {
      clearInterval(timer);
      if (syslogTimer) clearInterval(syslogTimer);
      await netflow?.stop();
      await syslog?.stop();
      await tick(); // what syslog queued before its sockets closed
      await serial(async () => {
        await flows.flush();
        await pipeline.finish();
        await profiled?.profiles.save();
      });
      quarantine?.close();
    },
  };
}
