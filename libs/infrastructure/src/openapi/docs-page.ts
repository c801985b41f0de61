/** Swagger UI's page and assets; the description itself is at `/docs-json`. */
export const API_DOCS_PATH = '/docs';
export const API_DOCS_JSON_PATH = '/docs-json';

/** Whether a request is for Swagger UI (its page or an asset), which gets its own content policy. */
export const isApiDocsPage = (path: string): boolean => path === API_DOCS_PATH || path.startsWith(`${API_DOCS_PATH}/`);

/**
 * The content policy of Swagger UI: its scripts and styles from here (the page carries inline
 * styles), its icons as data: URIs, and "Try it out" calls to this origin. No inline script.
 */
export const API_DOCS_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};
