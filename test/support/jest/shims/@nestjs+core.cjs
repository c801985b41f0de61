// What a CommonJS require('@nestjs/core') gets under Jest: see ../require-esm.resolver.cjs.
const namespace = globalThis[Symbol.for('ledger.jest.required-as-esm')]?.['@nestjs/core'];
if (!namespace) throw new Error('@nestjs/core was required before test/support/jest/require-esm.setup.ts imported it: is it in setupFiles?');
module.exports = namespace;
