import { loadConfig, type Config } from '../config/config.js';

/** The configuration a test runs with: the environment `npm test` set up, and what the test changes. */
export const testConfig = (overrides: Partial<Config> = {}): Config => Object.freeze({ ...loadConfig(), ...overrides });
