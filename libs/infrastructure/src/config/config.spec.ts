import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has defaults that work on the local stack', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/ledger', commandApiPort: 3000, relayEnabled: true, kafkaPartitions: 4 });
    expect(config.projections).toEqual(['order-history', 'account-statement', 'order-search', 'payment-saga']);
  });

  it('parses what is set', () => {
    const config = loadConfig({ COMMAND_API_PORT: '0', RELAY_ENABLED: 'off', KAFKA_BROKERS: 'a:1, b:2', PROJECTIONS: 'payment-saga', LOG_LEVEL: 'warn' });
    expect(config).toMatchObject({ commandApiPort: 0, relayEnabled: false, kafkaBrokers: ['a:1', 'b:2'], projections: ['payment-saga'], logLevel: 'warn' });
  });

  it('is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config) && Object.isFrozen(config.groupCommit) && Object.isFrozen(config.projections)).toBe(true);
  });

  it('names every bad value in one message', () => {
    const bad = { COMMAND_API_PORT: 'http', KAFKA_PARTITIONS: '0', EVENT_STORE: 'mysql', RELAY_ENABLED: 'maybe', PROJECTIONS: 'order-history,nope', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' };
    let error: unknown;
    try {
      loadConfig(bad);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(' ')[0])).toEqual(
      ['DATABASE_URL', 'EVENT_STORE', 'KAFKA_PARTITIONS', 'PROJECTIONS', 'COMMAND_API_PORT', 'RELAY_ENABLED', 'LOG_LEVEL'],
    );
    expect((error as Error).message).toContain('COMMAND_API_PORT must be an integer from 0 to 65535, got "http"');
  });

  it('turns tracing on with a Zipkin endpoint only, and off again with TRACING_ENABLED=false', () => {
    const endpoint = 'http://127.0.0.1:9411/api/v2/spans';
    expect(loadConfig({}).tracing).toEqual({ zipkinEndpoint: null, sampleRatio: 1 });
    expect(loadConfig({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: endpoint, TRACING_SAMPLE_PERCENT: '10' }).tracing).toEqual({ zipkinEndpoint: endpoint, sampleRatio: 0.1 });
    expect(loadConfig({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: endpoint, TRACING_ENABLED: 'false' }).tracing.zipkinEndpoint).toBeNull();
    expect(() => loadConfig({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'zipkin', TRACING_SAMPLE_PERCENT: '150' })).toThrow(/OTEL_EXPORTER_ZIPKIN_ENDPOINT must be a URL[\s\S]*TRACING_SAMPLE_PERCENT/);
  });

  it("bounds the relay's produce requests and how long it may stall", () => {
    expect(loadConfig({})).toMatchObject({ relayMaxBatchBytes: 900_000, relayStallTimeoutMs: 30_000 });
    expect(loadConfig({ RELAY_MAX_BATCH_BYTES: '2000000', RELAY_STALL_TIMEOUT_MS: '5000' })).toMatchObject({ relayMaxBatchBytes: 2_000_000, relayStallTimeoutMs: 5_000 });
    expect(() => loadConfig({ RELAY_MAX_BATCH_BYTES: '100', RELAY_STALL_TIMEOUT_MS: 'soon' })).toThrow(
      /RELAY_MAX_BATCH_BYTES must be an integer from 1024 to 104857600, got "100"[\s\S]*RELAY_STALL_TIMEOUT_MS must be an integer/,
    );
  });

  it('trusts no proxy unless TRUST_PROXY says how many hops, or which addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8, 192.168.1.7' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.168.1.7']);
    for (const bad of ['ingress', '10.0.0.0/33', '10.0.0.1/8/8', '99', ' , ']) expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY must be/);
  });
});
