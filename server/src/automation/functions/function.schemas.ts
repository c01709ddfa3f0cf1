import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common.schemas.js';

const Host = Type.String({
  minLength: 1,
  maxLength: 253,
  pattern: '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$',
  description: 'A host name (api.example.com): only https://<host>/… may be called, matched exactly.',
});

export const CreateFunctionBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Unique in the organization.' }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    code: Type.String({
      minLength: 1,
      maxLength: 100_000,
      description:
        'The body of an async JavaScript function of `input` ({trigger, record, changes, source}); `return` gives the result. Inside: `clave.records.get/create/update/query`, `clave.http.fetch`, `clave.log`, nothing else.',
    }),
    allowedHosts: Type.Optional(Type.Array(Host, { maxItems: 20, description: 'Hosts `clave.http.fetch` may call (https only).' })),
    timeoutMs: Type.Optional(
      Type.Integer({ minimum: 100, maximum: 10_000, description: 'Time limit in milliseconds (default and most: 10,000).' }),
    ),
    memoryMb: Type.Optional(Type.Integer({ minimum: 8, maximum: 128, description: 'Memory limit in MB (default and most: 128).' })),
    ownerId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type CreateFunctionBody = Static<typeof CreateFunctionBody>;

export const UpdateFunctionBody = Type.Partial(CreateFunctionBody, { additionalProperties: false, minProperties: 1 });
export type UpdateFunctionBody = Static<typeof UpdateFunctionBody>;

export const CustomFunction = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  code: Type.String(),
  allowedHosts: Type.Array(Type.String()),
  timeoutMs: Type.Integer(),
  memoryMb: Type.Integer(),
  ownerId: Type.String({ format: 'uuid', description: 'Whose permissions the function acts with.' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const FunctionList = Type.Object({ data: Type.Array(CustomFunction) });

export const TestFunctionBody = Type.Object(
  {
    module: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: 'The module of `recordId`.' })),
    recordId: Type.Optional(Type.String({ format: 'uuid', description: 'A record the function gets as `input.record`.' })),
  },
  { additionalProperties: false },
);
export type TestFunctionBody = Static<typeof TestFunctionBody>;

export const FunctionRun = Type.Object({
  id: Uuid,
  trigger: Type.Optional(Type.String({ description: 'test, workflow or schedule.' })),
  recordId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  status: Type.Union([Type.Literal('done'), Type.Literal('failed')]),
  result: Type.Unknown({ description: 'What the function returned (JSON).' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why it failed: the error with its line, or the limit it hit.' }),
  logs: Type.Array(Type.String(), { description: 'What it wrote with clave.log (at most 200 lines).' }),
  durationMs: Type.Integer(),
  memoryBytes: Type.Union([Type.Integer(), Type.Null()], { description: 'Memory the sandbox held at the end.' }),
  createdAt: Type.Optional(Timestamp),
});

export const FunctionRunList = Type.Object({ data: Type.Array(FunctionRun) });
