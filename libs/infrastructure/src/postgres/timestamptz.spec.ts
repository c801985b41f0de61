import pg from 'pg';
import { isoOfTimestamptz } from './timestamptz.js';

const viaDate = (text: string): string => (pg.types.getTypeParser(1184, 'text') as (t: string) => Date)(text).toISOString();

describe('isoOfTimestamptz', () => {
  it.each([
    ['2026-11-26 13:37:25.123456+00', '2026-11-26T13:37:25.123Z'],
    ['2026-11-26 13:37:25.12+00', '2026-11-26T13:37:25.120Z'],
    ['2026-11-26 13:37:25.1+00', '2026-11-26T13:37:25.100Z'],
    ['2026-11-26 13:37:25.999999+00', '2026-11-26T13:37:25.999Z'],
    ['2026-11-26 13:37:25+00', '2026-11-26T13:37:25.000Z'],
    ['2026-01-01 00:00:00.007+00', '2026-01-01T00:00:00.007Z'],
  ])('rearranges the UTC text %s as Date.toISOString prints it', (text, iso) => {
    expect(isoOfTimestamptz(text)).toBe(iso);
    expect(isoOfTimestamptz(text)).toBe(viaDate(text));
  });

  it.each([
    '2026-11-26 14:37:25.123456+01',
    '2026-11-26 08:07:25.5-05:30',
    '2026-11-26 13:37:25+05:45',
    '12026-11-26 13:37:25.5+00',
    '0044-03-15 12:00:00+00 BC',
  ])('goes through a Date for any other zone, year or era: %s', (text) => {
    expect(isoOfTimestamptz(text)).toBe(viaDate(text));
  });
});
