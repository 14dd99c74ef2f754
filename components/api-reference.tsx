// The API document (lib/api/openapi.ts) for people: each operation with its role, parameters,
// body and answers, the error statuses once, and the named schemas. A server component: plain
// HTML from the document, no script.
import type { ReactNode } from 'react';
import type { OpenApiDocument } from '@/lib/api/openapi';

/** The parts of a JSON schema this page shows. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Response {
  description: string;
  content?: Record<string, { schema?: Schema }>;
}

interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  'x-required-role'?: string;
  'x-audit-action'?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> };
  responses: Record<string, Response>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const refName = (ref: string) => ref.split('/').at(-1)!;

/** Inline text: `code` and **bold**, as the document's descriptions use them. */
function Inline({ text }: { text: string }) {
  const parts = text.split(/(`[^`]+`|\*\*[^*]+\*\*)/g);
  return (
    <>
      {parts.map((part, i) =>
        part.startsWith('`') && part.endsWith('`') && part.length > 1 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string.
          <code key={i}>{part.slice(1, -1)}</code>
        ) : part.startsWith('**') && part.endsWith('**') && part.length > 3 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string.
          <strong key={i}>{part.slice(2, -2)}</strong>
        ) : (
          part
        ),
      )}
    </>
  );
}

/** Paragraphs and "- " lists of the document's Markdown-like descriptions. */
function Prose({ text }: { text: string }) {
  const blocks = text.split(/\n\s*\n/);
  return (
    <>
      {blocks.map((block) => {
        const lines = block.split('\n');
        if (lines[0]!.startsWith('- ')) {
          const items = block.split(/\n(?=- )/).map((item) => item.replace(/^- /, '').replace(/\s*\n\s*/g, ' '));
          return (
            <ul key={block} className="api-prose">
              {items.map((item) => (
                <li key={item}>
                  <Inline text={item} />
                </li>
              ))}
            </ul>
          );
        }
        return (
          <p key={block} className="api-prose">
            <Inline text={lines.join(' ')} />
          </p>
        );
      })}
    </>
  );
}

function SchemaLink({ refValue }: { refValue: string }) {
  const name = refName(refValue);
  return (
    <a href={`#schema-${name}`} className="mono">
      {name}
    </a>
  );
}

/** A compact, TypeScript-like name of a schema's type. */
function TypeOf({ schema }: { schema: Schema | undefined }): ReactNode {
  if (!schema) return <span className="mono">any</span>;
  if (schema.$ref) return <SchemaLink refValue={schema.$ref} />;
  const union = schema.anyOf ?? schema.oneOf;
  if (union)
    return union.map((s, i) => (
      <span key={JSON.stringify(s)}>
        {i > 0 && ' | '}
        <TypeOf schema={s} />
      </span>
    ));
  if (schema.allOf) return <TypeOf schema={schema.allOf[0]} />;
  if (schema.enum) return <span className="mono">{schema.enum.map((v) => JSON.stringify(v)).join(' | ')}</span>;
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const nullable = types.includes('null');
  const type = types.find((t) => t !== 'null');
  let name: ReactNode;
  if (type === 'array')
    name = (
      <>
        <TypeOf schema={schema.items} />
        <span className="mono">[]</span>
      </>
    );
  else if (type === 'object' && schema.properties)
    name = (
      <span className="mono">
        {'{ '}
        {Object.entries(schema.properties).map(([key, value], i) => (
          <span key={key}>
            {i > 0 && '; '}
            {key}
            {schema.required?.includes(key) ? '' : '?'}: <TypeOf schema={value} />
          </span>
        ))}
        {' }'}
      </span>
    );
  else if (type === 'object' && typeof schema.additionalProperties === 'object')
    name = (
      <>
        <span className="mono">{'map of '}</span>
        <TypeOf schema={schema.additionalProperties} />
      </>
    );
  else name = <span className="mono">{type ?? 'any'}</span>;
  return (
    <>
      {name}
      {schema.format && <span className="muted"> ({schema.format})</span>}
      {nullable && <span className="mono"> | null</span>}
    </>
  );
}

/** The rules a schema states beyond its type: bounds, pattern, default. */
function rulesOf(schema: Schema | undefined): string[] {
  if (!schema) return [];
  const rules: string[] = [];
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && max !== undefined) rules.push(`${min}–${max}${unit}`);
    else if (min !== undefined) rules.push(`at least ${min}${unit}`);
    else if (max !== undefined) rules.push(`at most ${max}${unit}`);
  };
  range(
    schema.minimum ?? (schema.exclusiveMinimum === undefined ? undefined : schema.exclusiveMinimum + 1),
    schema.maximum,
    '',
  );
  range(schema.minLength, schema.maxLength, ' characters');
  range(schema.minItems, schema.maxItems, ' items');
  if (schema.pattern) rules.push(`matches ${schema.pattern}`);
  if (schema.default !== undefined) rules.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.items && !schema.items.$ref) rules.push(...rulesOf(schema.items).map((rule) => `each ${rule}`));
  return rules;
}

function Rules({ schema }: { schema: Schema | undefined }) {
  const rules = rulesOf(schema);
  return rules.length ? <span className="hint api-rules">{rules.join(' · ')}</span> : null;
}

/** The fields of an object schema, inline objects one level down as `parent.child`. */
function Fields({ schema, prefix = '' }: { schema: Schema; prefix?: string }) {
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, value]) => {
        const nested = !value.$ref && value.type === 'object' && value.properties;
        return [
          <tr key={prefix + key}>
            <td className="mono nowrap">
              {prefix}
              {key}
            </td>
            <td>
              {nested ? <span className="mono">object</span> : <TypeOf schema={value} />}
              <Rules schema={value} />
            </td>
            <td>{schema.required?.includes(key) ? 'yes' : <span className="muted">no</span>}</td>
            <td>{value.description && <Inline text={value.description} />}</td>
          </tr>,
          nested && <Fields key={`${prefix + key}.`} schema={value} prefix={`${prefix + key}.`} />,
        ];
      })}
    </>
  );
}

function FieldTable({ schema, caption }: { schema: Schema; caption: string }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Required</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          <Fields schema={schema} />
        </tbody>
      </table>
    </div>
  );
}

function RoleBadge({ role }: { role: string }) {
  return role === 'public' ? (
    <span className="badge badge-ok">no sign-in</span>
  ) : (
    <span className={`role-badge role-${role}`} title={`Needs the ${role} role or more`}>
      {role}
    </span>
  );
}

function OperationCard({
  method,
  path,
  op,
  schemas,
}: {
  method: string;
  path: string;
  op: Operation;
  schemas: Record<string, Schema>;
}) {
  const parameters = op.parameters ?? [];
  const body = op.requestBody && Object.entries(op.requestBody.content)[0];
  const bodySchema = body?.[1].schema;
  const bodyFields = bodySchema?.$ref ? schemas[refName(bodySchema.$ref)] : bodySchema;
  const responses = Object.entries(op.responses);
  const ok = responses.filter(([status]) => Number(status) < 400);
  const errors = responses.filter(([status]) => Number(status) >= 400).map(([status]) => status);
  return (
    <section className="card api-op" id={op.operationId} aria-labelledby={`${op.operationId}-title`}>
      <div className="api-op-head">
        <h3 id={`${op.operationId}-title`}>
          <span className={`api-method api-method-${method}`}>{method.toUpperCase()}</span>{' '}
          <code className="api-path">{path}</code>
        </h3>
        <RoleBadge role={op['x-required-role'] ?? 'viewer'} />
        {op['x-audit-action'] && (
          <span className="muted small">
            audited as <code>{op['x-audit-action']}</code>
          </span>
        )}
      </div>
      <p className="api-summary">{op.summary}</p>
      {op.description && <Prose text={op.description} />}

      {parameters.length > 0 && (
        <>
          <h4>Parameters</h4>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Parameters of {op.summary}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">In</th>
                  <th scope="col">Type</th>
                  <th scope="col">Required</th>
                  <th scope="col">Description</th>
                </tr>
              </thead>
              <tbody>
                {parameters.map((p) => (
                  <tr key={`${p.in} ${p.name}`}>
                    <td className="mono">{p.name}</td>
                    <td>{p.in}</td>
                    <td>
                      <TypeOf schema={p.schema} />
                      <Rules schema={p.schema} />
                    </td>
                    <td>{p.required ? 'yes' : <span className="muted">no</span>}</td>
                    <td>{p.description && <Inline text={p.description} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      {body && (
        <>
          <h4>
            Request body <span className="muted small">({body[0]}</span>
            <span className="muted small">{op.requestBody?.required ? ', required' : ', optional'})</span>{' '}
            {bodySchema?.$ref && <SchemaLink refValue={bodySchema.$ref} />}
          </h4>
          {bodyFields?.description && <p className="hint">{bodyFields.description}</p>}
          {bodyFields?.properties && <FieldTable schema={bodyFields} caption={`Body of ${op.summary}`} />}
        </>
      )}

      <h4>Responses</h4>
      <dl className="facts api-responses">
        {ok.map(([status, response]) => {
          const [mediaType, media] = Object.entries(response.content ?? {})[0] ?? [];
          return [
            <dt key={`${status}-dt`}>
              <span className="badge badge-ok">{status}</span>
            </dt>,
            <dd key={`${status}-dd`}>
              <Inline text={response.description} />
              {mediaType && (
                <>
                  {' '}
                  <span className="muted">— {mediaType}</span>
                  {media?.schema?.$ref && (
                    <>
                      {' '}
                      <TypeOf schema={media.schema} />
                    </>
                  )}
                </>
              )}
            </dd>,
          ];
        })}
        <dt>
          <span className="badge badge-bad">errors</span>
        </dt>
        <dd>
          {errors.map((status, i) => (
            <span key={status}>
              {i > 0 && ' · '}
              <a href={`#status-${status}`}>{status}</a>
            </span>
          ))}{' '}
          <span className="muted">
            with an <SchemaLink refValue="#/components/schemas/Error" /> body
          </span>
        </dd>
      </dl>
    </section>
  );
}

export function ApiReference({ document }: { document: OpenApiDocument }) {
  const paths = (document.paths ?? {}) as Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const operations = Object.entries(paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ path, method, op: item[method]! }] : [])),
  );
  const tags = (document.tags ?? []).map((t) => ({ name: t.name, description: t.description }));
  const errorStatuses = new Map<string, string>();
  for (const { op } of operations)
    for (const [status, response] of Object.entries(op.responses))
      if (Number(status) >= 400 && !errorStatuses.has(status)) errorStatuses.set(status, response.description);

  return (
    <>
      <section className="card" aria-labelledby="api-overview">
        <h2 id="api-overview">Overview</h2>
        <Prose text={document.info.description ?? ''} />
      </section>

      <nav className="card" aria-labelledby="api-contents">
        <h2 id="api-contents">Operations</h2>
        <div className="api-toc">
          {tags.map((tag) => (
            <div key={tag.name}>
              <h3>
                <a href={`#tag-${tag.name.replace(/\W+/g, '-')}`}>{tag.name}</a>
              </h3>
              <ul>
                {operations
                  .filter(({ op }) => op.tags?.includes(tag.name))
                  .map(({ path, method, op }) => (
                    <li key={op.operationId}>
                      <a href={`#${op.operationId}`}>
                        <span className={`api-method api-method-${method}`}>{method.toUpperCase()}</span>{' '}
                        <code>{path}</code>
                      </a>
                    </li>
                  ))}
              </ul>
            </div>
          ))}
        </div>
      </nav>

      {tags.map((tag) => (
        <section key={tag.name} aria-labelledby={`tag-${tag.name.replace(/\W+/g, '-')}`}>
          <h2 id={`tag-${tag.name.replace(/\W+/g, '-')}`} className="api-tag">
            {tag.name}
          </h2>
          {tag.description && <p className="muted">{tag.description}</p>}
          {operations
            .filter(({ op }) => op.tags?.includes(tag.name))
            .map(({ path, method, op }) => (
              <OperationCard key={op.operationId} path={path} method={method} op={op} schemas={schemas} />
            ))}
        </section>
      ))}

      <section className="card" aria-labelledby="api-errors">
        <h2 id="api-errors">Error statuses</h2>
        <p className="muted">
          Every error answers <code>{'{"error": {"code", "message", "requestId"}}'}</code> (
          <SchemaLink refValue="#/components/schemas/Error" />
          ).
        </p>
        <dl className="facts">
          {[...errorStatuses]
            .sort(([a], [b]) => Number(a) - Number(b))
            .map(([status, description]) => [
              <dt key={`${status}-dt`} id={`status-${status}`}>
                <span className="badge badge-bad">{status}</span>
              </dt>,
              <dd key={`${status}-dd`}>
                <Inline text={description} />
              </dd>,
            ])}
        </dl>
      </section>

      <section aria-labelledby="api-schemas">
        <h2 id="api-schemas" className="api-tag">
          Schemas
        </h2>
        {Object.entries(schemas)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, schema]) => (
            <section key={name} className="card api-schema" id={`schema-${name}`} aria-labelledby={`schema-${name}-t`}>
              <h3 id={`schema-${name}-t`} className="mono">
                {name}
              </h3>
              {schema.description && <p className="hint">{schema.description}</p>}
              {schema.properties ? (
                <FieldTable schema={schema} caption={`Fields of ${name}`} />
              ) : (
                <p>
                  <TypeOf schema={schema} />
                  <Rules schema={schema} />
                </p>
              )}
            </section>
          ))}
      </section>
    </>
  );
}
