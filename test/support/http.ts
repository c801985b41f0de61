import { baseUrl, type AppName } from './apps.js';

export interface HttpResult<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

export const post = async <T = Record<string, unknown>>(app: AppName, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> => {
  const response = await fetch(`${baseUrl(app)}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as T };
};

export const get = async <T = Record<string, unknown>>(app: AppName, path: string, headers: Record<string, string> = {}): Promise<HttpResult<T>> => {
  const response = await fetch(`${baseUrl(app)}${path}`, { headers });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as T };
};
