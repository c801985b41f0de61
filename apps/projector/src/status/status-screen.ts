import { formatColumns } from '../cli/columns.js';
import type { SystemStatus } from './system-status.js';

const figure = (value: number | null, unit = ''): string => (value === null ? 'unknown' : `${Number.isInteger(value) ? value : value.toFixed(1)}${unit}`);

const down = (status: SystemStatus, app: string): string => {
  const reach = status.apps.find((a) => a.app === app);
  return `  ${app} does not answer at ${reach?.url ?? '?'}${reach?.error ? ` (${reach.error})` : ''}`;
};

/** `ledger status` as lines of text: one screen. */
export const renderStatus = (status: SystemStatus): string => {
  const lines = [`ledger status at ${status.at}`, ''];
  lines.push('Projections (projector)');
  if (!status.projections) lines.push(down(status, 'projector'));
  else if (status.projections.length === 0) lines.push('  none reported yet');
  else {
    lines.push(...formatColumns(
      ['projection', 'lag events', 'lag s', 'applied', 'dead-lettered', 'parked streams'],
      status.projections.map((p) => [p.projection, figure(p.lagEvents), figure(p.lagSeconds), p.applied, p.deadLettered, p.parked]),
      { indent: '  ', align: ['left', 'right', 'right', 'right', 'right', 'right'] },
    ));
  }
  lines.push('', 'Relay (command-api)');
  if (!status.relay) lines.push(down(status, 'command-api'));
  else lines.push(`  unpublished events ${figure(status.relay.unpublished)}, oldest waiting ${figure(status.relay.oldestAgeSeconds, ' s')}, dead-lettered ${status.relay.deadLettered}`);
  lines.push('', 'Payment sagas (projector)');
  if (!status.sagas) lines.push(down(status, 'projector'));
  else {
    const states = Object.entries(status.sagas.byState).map(([state, n]) => `${state}=${n}`).join(' ') || 'none';
    lines.push(`  in flight (awaiting_payment) ${status.sagas.awaitingPayment}, overdue ${figure(status.sagas.overdue)}; by state: ${states}`);
  }
  lines.push('', 'Circuit breakers');
  if (!status.breakers) lines.push(down(status, 'query-api'));
  else lines.push(...status.breakers.map((b) => `  ${b.breaker} (${b.app}): ${b.state ?? 'unknown'}`));
  lines.push('', 'Dead-lettered and applied counts are since each process started; `dlq list <topic>` shows the letters themselves.');
  return lines.join('\n');
};
