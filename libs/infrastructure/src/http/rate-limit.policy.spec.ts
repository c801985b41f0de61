import type { ExecutionContext } from '@nestjs/common';
import type { Authentication, AuthenticatedRequest, Principal } from '../auth/principal.js';
import { classesOf, rateLimitTracker, throttlerOptions } from './rate-limit.policy.js';

const request = (authentication: Authentication | undefined, ip: string | null = '203.0.113.7', headers: Record<string, string> = {}): AuthenticatedRequest =>
  ({ authentication, ip: ip ?? undefined, headers }) as unknown as AuthenticatedRequest;

const alicePrincipal: Principal = { subject: 'a1b2', client: 'ledger-cli', roles: ['customer'], username: 'alice' };
const alice: Authentication = { kind: 'authenticated', principal: alicePrincipal };

describe('whom a request is counted against', () => {
  it("is the verified caller's subject, wherever the call comes from", () => {
    expect(rateLimitTracker(request(alice))).toBe('subject:a1b2');
    expect(rateLimitTracker(request(alice, '198.51.100.1'))).toBe('subject:a1b2');
  });

  it.each<[string, Authentication | undefined]>([
    ['no token', { kind: 'anonymous' }],
    ['a refused token (token guessing)', { kind: 'rejected', reason: 'the token signature does not verify' }],
    ['a token that could not be checked', { kind: 'unavailable', reason: 'keys out of reach' }],
    ['no authentication at all', undefined],
  ])('is the address with %s', (_, authentication) => expect(rateLimitTracker(request(authentication))).toBe('address:203.0.113.7'));

  it('counts an IPv6 host by its /64, and an IPv4-mapped address as IPv4', () => {
    expect(rateLimitTracker(request(undefined, '2001:db8:1:2:aaaa::1'))).toBe('address:2001:db8:1:2::/64');
    expect(rateLimitTracker(request(undefined, '2001:DB8:1:2:bbbb:0:0:9'))).toBe('address:2001:db8:1:2::/64');
    expect(rateLimitTracker(request(undefined, '2001:db8:1:3::1'))).toBe('address:2001:db8:1:3::/64');
    expect(rateLimitTracker(request(undefined, '2001:db8::1'))).toBe('address:2001:db8:0:0::/64');
    expect(rateLimitTracker(request(undefined, 'fe80::1%eth0'))).toBe('address:fe80:0:0:0::/64');
    expect(rateLimitTracker(request(undefined, '::1'))).toBe('address:0:0:0:0::/64');
    expect(rateLimitTracker(request(undefined, '::ffff:203.0.113.7'))).toBe('address:203.0.113.7');
    expect(rateLimitTracker(request(undefined, null))).toBe('address:unknown');
  });

  it('never takes a subject for an address', () => {
    const lookalike: Authentication = { kind: 'authenticated', principal: { ...alicePrincipal, subject: '203.0.113.7' } };
    expect(rateLimitTracker(request(lookalike))).not.toBe(rateLimitTracker(request(undefined)));
  });
});

describe('the classes a request is counted in', () => {
  const wait = { 'x-consistency-token': 'order-1@3' };

  it("is the route's class for a verified caller", () => {
    expect(classesOf(request(alice), 'reads', 'x-consistency-token')).toEqual(['reads']);
    expect(classesOf(request(alice), 'searches', 'x-consistency-token')).toEqual(['searches']);
  });

  it('adds consistency waits when the request carries the header the app waits on', () => {
    expect(classesOf(request(alice, null, wait), 'reads', 'x-consistency-token')).toEqual(['reads', 'consistencyWaits']);
    expect(classesOf(request(alice, null, wait), 'commands')).toEqual(['commands']);
  });

  it('is the anonymous class alone without a verified caller', () => {
    expect(classesOf(request({ kind: 'anonymous' }, null, wait), 'searches', 'x-consistency-token')).toEqual(['anonymous']);
    expect(classesOf(request({ kind: 'rejected', reason: 'expired' }), 'commands')).toEqual(['anonymous']);
  });
});

describe('the throttlers of a configuration', () => {
  const config = {
    appName: 'query-api',
    rateLimits: { keyPrefix: 'run-1:', windowMs: 2_000, commands: 10, reads: 0, searches: 3, consistencyWaits: 0, anonymous: 5 },
  };

  it('has one per class whose limit is not 0, over the window', () => {
    const options = throttlerOptions(config);
    expect(Array.isArray(options) ? options : options.throttlers).toEqual([
      { name: 'commands', limit: 10, ttl: 2_000 },
      { name: 'searches', limit: 3, ttl: 2_000 },
      { name: 'anonymous', limit: 5, ttl: 2_000 },
    ]);
  });

  it("keys a caller's counters by the prefix and the app, the same for every route", () => {
    const options = throttlerOptions(config);
    if (Array.isArray(options)) throw new Error('expected module options');
    const context = {} as ExecutionContext;
    expect(options.generateKey?.(context, 'subject:a1b2', 'searches')).toBe('run-1:query-api:subject:a1b2');
    expect(options.getTracker?.(request(alice), context)).toBe('subject:a1b2');
  });
});
