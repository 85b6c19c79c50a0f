// graphql-codegen: the SDK's typed operations, from the checked-in schema.graphql and the SDK's
// own operation documents. `npm run codegen` writes them; `npm run codegen:check` (part of
// `npm test`) fails when they are stale.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: 'sdk/src/operations/*.graphql',
  emitLegacyCommonJSImports: false,
  generates: {
    'sdk/src/generated/operations.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { ID: 'string', DateTime: 'string', JSON: 'unknown' },
        useTypeImports: true,
        nonOptionalTypename: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        onlyOperationTypes: true,
      },
    },
    'sdk/src/generated/methods.ts': {
      plugins: ['./sdk/codegen/client-methods.ts'],
      config: { operationsModule: './operations.ts', transportModule: '../transport.ts' },
    },
    // The SDK ships the schema it was generated from.
    'sdk/schema.graphql': { plugins: ['schema-ast'], config: { includeDirectives: false } },
  },
};

export default config;
