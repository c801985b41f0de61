import { parsePrometheusText } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads names, labels and values, and skips comments', () => {
    const text = [
      '# HELP projection_lag_events Messages not committed',
      '# TYPE projection_lag_events gauge',
      'projection_lag_events{projection="order-history",app="projector"} 12',
      'relay_unpublished_events{app="command-api"} NaN',
      'http_request_duration_seconds_bucket{le="+Inf",route="/a \\"b\\", c"} 3 1700000000000',
      'payment_sagas_overdue 0',
      '',
    ].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      { name: 'projection_lag_events', labels: { projection: 'order-history', app: 'projector' }, value: 12 },
      { name: 'relay_unpublished_events', labels: { app: 'command-api' }, value: NaN },
      { name: 'http_request_duration_seconds_bucket', labels: { le: '+Inf', route: '/a "b", c' }, value: 3 },
      { name: 'payment_sagas_overdue', labels: {}, value: 0 },
    ]);
  });

  it('skips malformed lines', () => {
    expect(parsePrometheusText('not a sample\nx{a=b} 1\ny 2')).toEqual([{ name: 'y', labels: {}, value: 2 }]);
  });
});
