import { baseUrl, type AppName } from './apps.js';
import { bearer, type User } from './tokens.js';

export interface HttpResult<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

/** POSTs JSON as a user of the development realm (alice, a customer, unless told), with a token from the local provider. */
export const post = async <T = Record<string, unknown>>(app: AppName, path: string, body: unknown, headers: Record<string, string> = {}, as: User = 'alice'): Promise<HttpResult<T>> => {
  const response = await fetch(`${baseUrl(app)}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await bearer(as)), ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as T };
};

/** GETs as a user of the development realm (alice unless told). */
export const get = async <T = Record<string, unknown>>(app: AppName, path: string, headers: Record<string, string> = {}, as: User = 'alice'): Promise<HttpResult<T>> => {
  const response = await fetch(`${baseUrl(app)}${path}`, { headers: { ...(await bearer(as)), ...headers } });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as T };
};

/** The same calls, all as one user. */
export interface Client {
  post<T = Record<string, unknown>>(app: AppName, path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult<T>>;
  get<T = Record<string, unknown>>(app: AppName, path: string, headers?: Record<string, string>): Promise<HttpResult<T>>;
}

export const as = (user: User): Client => ({
  post: <T = Record<string, unknown>>(app: AppName, path: string, body: unknown, headers: Record<string, string> = {}) => post<T>(app, path, body, headers, user),
  get: <T = Record<string, unknown>>(app: AppName, path: string, headers: Record<string, string> = {}) => get<T>(app, path, headers, user),
});
