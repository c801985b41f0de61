// class-transformer's metadata (which class a nested property holds) has no typed entry point of its own.
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage.js';
}
