// Jest on Node < 24.9 cannot require() an ES module, which Node itself does since 20.19. Nest 12 is
// ES modules only, and @nestjs/throttler and @nest-lab/throttler-storage-redis are CommonJS that
// require it. Here a require() of @nestjs/common or @nestjs/core resolves to a shim that hands out
// the namespace require-esm.setup.ts imported beforehand: the very module instance the ES side
// uses. Imports resolve as ever. Delete this and the setup file once the tests run on Node >= 24.9.
const { join } = require('node:path');

const SHIMMED = ['@nestjs/common', '@nestjs/core'];

module.exports = (request, options) =>
  SHIMMED.includes(request) && options.conditions?.includes('require') && !options.conditions.includes('import')
    ? join(__dirname, 'shims', `${request.replace('/', '+')}.cjs`)
    : options.defaultResolver(request, options);
