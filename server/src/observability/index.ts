import type { Telemetry } from '@toolhost/core/kernel';
import { ConnectionRecords, type ConnectionRecordsOptions } from './connections';
import { Metrics } from './metrics';
import { TimeSeries } from './timeseries';

export type { DashboardSummary } from './connections';
export { ConnectionRecords } from './connections';
export { Metrics } from './metrics';
export { type DashboardSeries, type SeriesFilter, TimeSeries } from './timeseries';

const TELEMETRY_METHODS = [
  'requestFinished',
  'toolCallFinished',
  'quotaRefused',
  'authenticated',
  'sessionOpened',
  'sessionClosed',
  'streamOpened',
  'streamClosed',
  'listChangedSent',
  'toolsRelisted',
  'upstreamCall',
] as const satisfies readonly (keyof Telemetry)[];

/** One observer that reports to several (each method calls each observer that has it). */
export function fanOut(...observers: Telemetry[]): Telemetry {
  const telemetry: Record<string, (event: never) => void> = {};
  for (const name of TELEMETRY_METHODS) {
    const targets = observers.filter((o) => o[name]);
    if (targets.length === 0) continue;
    telemetry[name] = (event: never) => {
      for (const target of targets) (target[name] as (event: never) => void).call(target, event);
    };
  }
  return telemetry as Telemetry;
}

/**
 * The server's observability: Prometheus metrics, the dashboard's connection records
 * and its rolling time series (the last hour), fed together.
 */
export class Observability {
  readonly metrics = new Metrics();
  readonly connections: ConnectionRecords;
  readonly series = new TimeSeries();
  readonly telemetry: Telemetry;

  constructor(options: ConnectionRecordsOptions = {}) {
    this.connections = new ConnectionRecords(options);
    this.telemetry = fanOut(this.metrics, this.connections, this.series);
  }
}
