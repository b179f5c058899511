import type { EcsEvent } from './daemon.js';

/** Reads a dotted ECS path from nested objects: 'log.syslog.appname'. */
export function field(event: EcsEvent, path: string): unknown {
  let value: unknown = event;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The syslog fields the integration tests compare, flattened. */
export interface SyslogView {
  message: unknown;
  hostname: unknown;
  appname: unknown;
  procid: unknown;
  msgid: unknown;
  structuredData: unknown;
  priority: unknown;
  facility: unknown;
  facilityName: unknown;
  severity: unknown;
  severityName: unknown;
  transport: unknown;
  tenant: unknown;
}

export function syslogView(event: EcsEvent): SyslogView {
  return {
    message: field(event, 'message'),
    hostname: field(event, 'log.syslog.hostname'),
    appname: field(event, 'log.syslog.appname'),
    procid: field(event, 'log.syslog.procid'),
    msgid: field(event, 'log.syslog.msgid'),
    structuredData: field(event, 'log.syslog.structured_data'),
    priority: field(event, 'log.syslog.priority'),
    facility: field(event, 'log.syslog.facility.code'),
    facilityName: field(event, 'log.syslog.facility.name'),
    severity: field(event, 'log.syslog.severity.code'),
    severityName: field(event, 'log.syslog.severity.name'),
    transport: field(event, 'network.transport'),
    tenant: field(event, 'sluice.tenant'),
  };
}

/** ms since the epoch of the event's `@timestamp`, NaN when absent. */
export function eventTime(event: EcsEvent): number {
  const value = field(event, '@timestamp');
  return typeof value === 'string' ? Date.parse(value) : NaN;
}
