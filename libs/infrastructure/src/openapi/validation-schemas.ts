import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ApiProperty, DECORATORS, type SchemaObject } from '@nestjs/swagger';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { SchemaConverter } from 'class-validator-jsonschema/build/defaultConverters.js';
import { CURRENCY_CODE_SCHEMA } from '../http/currency.validator.js';
import { NOT_BLANK_SCHEMA } from '../http/not-blank.validator.js';

/** The project's own validators (ValidateBy), by name, as JSON Schema. */
const CUSTOM_CONSTRAINTS: Record<string, SchemaObject> = { isCurrencyCode: CURRENCY_CODE_SCHEMA, isNotBlank: NOT_BLANK_SCHEMA };
/** What a DTO's own @ApiProperty may add to what its validation rules say. */
const DOCUMENTATION_KEYS = ['description', 'example', 'examples', 'title', 'deprecated'] as const;

const customConstraint: SchemaConverter = (meta) => {
  const name = getMetadataStorage().getTargetValidatorConstraints(meta.constraintCls)[0]?.name;
  return (name && (CUSTOM_CONSTRAINTS[name] as ReturnType<SchemaConverter>)) || {};
};

const OPTIONS = {
  refPointerPrefix: '#/components/schemas/',
  classTransformerMetadataStorage: defaultMetadataStorage,
  additionalConverters: { [ValidationTypes.CUSTOM_VALIDATION]: customConstraint },
};

const isValidated = (type: unknown): type is Type =>
  typeof type === 'function' && getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0;

/** A nested DTO (`@ValidateNested() @Type(() => LineItemDto)`), from class-transformer's metadata. */
const nestedType = (owner: Type, property: string): Type | undefined => {
  const nested = defaultMetadataStorage.findTypeMetadata(owner, property)?.typeFunction() as unknown;
  return isValidated(nested) ? nested : undefined;
};

/** The DTOs the routes take (bodies, queries) and those nested in them. */
const validatedTypesOf = (app: INestApplication): Set<Type> => {
  const found = new Set<Type>();
  const visit = (type: Type): void => {
    if (found.has(type)) return;
    found.add(type);
    const properties = Object.keys(targetConstructorToSchema(type, OPTIONS).properties ?? {});
    for (const property of properties) {
      const nested = nestedType(type, property);
      if (nested) visit(nested);
    }
  };
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const prototype = (metatype as Type | null)?.prototype as Record<string, unknown> | undefined;
      if (!prototype) continue;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        const parameters = (Reflect.getMetadata('design:paramtypes', prototype, method) ?? []) as unknown[];
        for (const parameter of parameters) if (isValidated(parameter)) visit(parameter);
      }
    }
  }
  return found;
};

/** One property's rules as @ApiProperty options: a `$ref` to a nested DTO becomes its type. */
const propertyOptions = (owner: Type, property: string, schema: SchemaObject, required: boolean): Record<string, unknown> => {
  const nested = nestedType(owner, property);
  const { $ref: _ref, items, ...rules } = schema as SchemaObject & { $ref?: string };
  if (nested && schema.type === 'array') return { ...rules, type: () => nested, isArray: true, required };
  if (nested) return { ...rules, type: () => nested, required };
  return { ...rules, ...(items ? { items } : {}), required };
};

/**
 * Describes the routes' DTOs for OpenAPI from their class-validator rules (class-validator-jsonschema),
 * so that the rules are written once, where they are enforced. A DTO's own @ApiProperty adds only
 * documentation (description, example). Safe to call again: the result is the same.
 */
export const describeValidatedTypes = (app: INestApplication): void => {
  for (const type of validatedTypesOf(app)) {
    const schema = targetConstructorToSchema(type, OPTIONS);
    const required = new Set(schema.required ?? []);
    const prototype = type.prototype as object;
    for (const [property, rules] of Object.entries(schema.properties ?? {})) {
      const existing = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, property) ?? {}) as Record<string, unknown>;
      const documentation = Object.fromEntries(DOCUMENTATION_KEYS.filter((key) => existing[key] !== undefined).map((key) => [key, existing[key]]));
      ApiProperty({ ...propertyOptions(type, property, rules as SchemaObject, required.has(property)), ...documentation })(prototype, property);
    }
  }
};
