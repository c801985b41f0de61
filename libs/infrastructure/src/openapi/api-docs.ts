import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_DOCS_JSON_PATH, API_DOCS_PATH } from './docs-page.js';
import { describeValidatedTypes } from './validation-schemas.js';

export const BEARER_SCHEME = 'bearer';

export interface ApiInfo {
  readonly title: string;
  readonly description: string;
  /** The groups the routes are in (`@ApiTags`), in this order. */
  readonly tags: readonly { readonly name: string; readonly description: string }[];
}

/**
 * Serves the app's OpenAPI description at `/docs-json` and Swagger UI at `/docs`, to anyone: they
 * are plain routes of the HTTP server, outside Nest's guards (no token, no rate limit). Call it
 * before `listen`.
 */
export const serveApiDocs = (app: INestApplication, info: ApiInfo): void => {
  describeValidatedTypes(app);
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(info.title)
    .setDescription(info.description)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from the identity provider (OpenID Connect)' }, BEARER_SCHEME)
    .addSecurityRequirements(BEARER_SCHEME);
  for (const tag of info.tags) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build(), { autoTagControllers: false });
  SwaggerModule.setup(API_DOCS_PATH, app, document, {
    jsonDocumentUrl: API_DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: info.title,
    swaggerOptions: { persistAuthorization: false, displayRequestDuration: true, tryItOutEnabled: false },
  });
};
