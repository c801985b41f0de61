import { loadConfigOrExit } from '../config/config.js';
import { probeHealth, probeHost } from './health-probe.js';

/** The Docker image's HEALTHCHECK: exit 0 when the app in this container answers GET /health with 200. */
const config = loadConfigOrExit();
const result = await probeHealth(probeHost(config.httpHost), [config.commandApiPort, config.queryApiPort, config.projectorPort], 4_000);
console.log(result.port === null ? result.error : `port ${result.port}: GET /health ${result.status}`);
process.exit(result.healthy ? 0 : 1);
