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
      plugins: [{ add: { content: "import type { JsonValue } from '../json.ts';" } }, 'typescript-operations', 'typed-document-node'],
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        strictScalars: true,
        // A Date is accepted where the schema takes a DateTime (the transport sends toISOString());
        // answers carry the ISO string. JSON values are typed as JSON (sdk/src/json.ts).
        scalars: {
          ID: 'string',
          DateTime: { input: 'Date | string', output: 'string' },
          JSON: { input: 'JsonValue', output: 'JsonValue' },
        },
        useTypeImports: true,
        nonOptionalTypename: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        onlyOperationTypes: true,
      },
    },
    'sdk/src/generated/methods.ts': {
      plugins: ['./sdk/codegen/client-methods.ts'],
      config: { operationsModule: './operations.ts', transportModule: '../transport.ts', paginateModule: '../paginate.ts' },
    },
    // The SDK ships the schema it was generated from.
    'sdk/schema.graphql': { plugins: ['schema-ast'], config: { includeDirectives: false } },
  },
};

export default config;
