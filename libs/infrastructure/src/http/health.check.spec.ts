import { DATABASE_UNAVAILABLE, healthAnswer } from './health.check.js';

describe('health answer', () => {
  it('is 200 with the details of the checks that have one', () => {
    expect(healthAnswer([{ name: 'database', healthy: true }, { name: 'relay', healthy: true, detail: { state: 'running' } }])).toEqual({
      statusCode: 200,
      body: { status: 'ok', relay: { state: 'running' } },
    });
  });

  it("is the failing check's error when it has a problem", () => {
    const answer = healthAnswer([{ name: 'database', healthy: false, problem: DATABASE_UNAVAILABLE }, { name: 'relay', healthy: true, detail: 1 }]);
    expect(JSON.stringify(answer)).toBe(
      '{"statusCode":503,"body":{"statusCode":503,"error":"database_unavailable","message":"PostgreSQL does not answer"}}',
    );
  });

  it('otherwise reports every check: its detail, or whether it is healthy', () => {
    const answer = healthAnswer([{ name: 'database', healthy: true }, { name: 'consumers', healthy: false, detail: { 'order-history': false } }]);
    expect(JSON.stringify(answer.body)).toBe('{"status":"unavailable","database":true,"consumers":{"order-history":false}}');
    expect(answer.statusCode).toBe(503);
  });
});
