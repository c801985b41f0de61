import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { errorBody } from './error-body.js';

const parserError = (type: string, status: number, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error('body-parser says no'), { type, status, ...extra });

describe('error body', () => {
  it('answers an HTTP exception with its status and payload', () => {
    expect(JSON.stringify(errorBody(new BadRequestException({ error: 'validation_failed', fields: [] })))).toBe(
      '{"statusCode":400,"error":"validation_failed","message":"Bad Request Exception","fields":[]}',
    );
    expect(errorBody(new NotFoundException('Cannot GET /x'))).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /x' });
    expect(errorBody(new HttpException('slow down', 429))).toEqual({ statusCode: 429, error: 'too_many_requests', message: 'slow down' });
  });

  it("answers body-parser's errors, naming the limit of a body too large", () => {
    expect(errorBody(parserError('entity.parse.failed', 400))).toEqual({ statusCode: 400, error: 'malformed_json', message: 'The body is not valid JSON' });
    expect(errorBody(parserError('entity.too.large', 413, { limit: 65_536 }))).toEqual({
      statusCode: 413, error: 'payload_too_large', message: 'The body is larger than 64 kB',
    });
    expect(errorBody(parserError('charset.unsupported', 415))).toMatchObject({ statusCode: 415, error: 'charset.unsupported' });
  });

  it("answers body-parser's errors the same when Nest hands them over wrapped in an HttpException", () => {
    const wrapped = (type: string, status: number, extra: Record<string, unknown> = {}): HttpException =>
      new HttpException('Nest says no', status, { cause: parserError(type, status, extra) });
    expect(errorBody(wrapped('entity.parse.failed', 400))).toEqual({ statusCode: 400, error: 'malformed_json', message: 'The body is not valid JSON' });
    expect(errorBody(wrapped('entity.too.large', 413, { limit: 65_536 }))).toEqual({
      statusCode: 413, error: 'payload_too_large', message: 'The body is larger than 64 kB',
    });
    expect(errorBody(wrapped('charset.unsupported', 415))).toMatchObject({ statusCode: 415, error: 'unsupported_media_type' });
  });

  it("tries the app's mappers first and answers anything unknown with a 500", () => {
    class Teapot extends Error {}
    const answers = { mappers: [(e: unknown) => (e instanceof Teapot ? { statusCode: 418, error: 'teapot', message: 'no' } : null)], internalErrorMessage: 'oops' };
    expect(errorBody(new Teapot(), answers).statusCode).toBe(418);
    expect(errorBody(new Error('bug'), answers)).toEqual({ statusCode: 500, error: 'internal_error', message: 'oops' });
    expect(errorBody(new Error('bug')).message).toBe('Something went wrong');
  });
});
