import * as common from '@nestjs/common';
import * as core from '@nestjs/core';

// What CommonJS packages get when they require these under Jest: see require-esm.resolver.cjs.
(globalThis as Record<symbol, unknown>)[Symbol.for('ledger.jest.required-as-esm')] = { '@nestjs/common': common, '@nestjs/core': core };
