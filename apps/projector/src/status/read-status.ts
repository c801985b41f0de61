import { scrape } from './scrape.js';
import { APP_NAMES, summarize, type AppName, type SystemStatus } from './system-status.js';

/** Reads the three apps' `/metrics` at once and summarizes them. */
export const readStatus = async (urls: Readonly<Record<AppName, string>>, timeoutMs?: number): Promise<SystemStatus> =>
  summarize(await Promise.all(APP_NAMES.map((app) => scrape(app, urls[app], timeoutMs))), new Date());
