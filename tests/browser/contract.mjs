// The browser tests' fake API is held to the HTTP contract: every exchange the fake answers is checked against
// docs/openapi.json (the document generated from the function classes). A route or method the document does not
// have, a status it does not declare, a JSON body (request or answer) or a streamed event that does not match its schema is a
// violation; ui.test.mjs fails when the fake produced any, and contract.test.mjs proves the check can fail.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DOCUMENT = JSON.parse(readFileSync(path.join(ROOT, 'docs/openapi.json'), 'utf8'));

// OpenAPI 3.1 schemas are JSON Schema 2020-12; the document is added whole so that #/components/... refs resolve.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(DOCUMENT, 'openapi.json');
const validators = new Map();
function validatorFor(schema) {
  const key = JSON.stringify(schema);
  if (!validators.has(key)) validators.set(key, ajv.compile({ $ref: undefined, ...rewriteRefs(schema) }));
  return validators.get(key);
}
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `openapi.json${v}` : rewriteRefs(v)]));
  }
  return node;
}

const routes = Object.entries(DOCUMENT.paths).map(([template, operations]) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  operations,
}));

/** The operation of the document that answers this method and path, or null. */
export function operationFor(method, pathname) {
  const route = routes.find((r) => r.pattern.test(pathname));
  const operation = route?.operations[method.toLowerCase()];
  return operation ? { template: route.template, operation } : null;
}

const mediaType = (contentType) => (contentType ?? '').split(';')[0].trim().toLowerCase();

/**
 * The ways one exchange breaks the contract (empty when it keeps it).
 * @param {{ method: string, pathname: string, requestBody?: unknown, status: number, contentType?: string, body?: unknown }} exchange
 *   (for a text/event-stream answer, body is the list of [event name, data] it streamed)
 */
export function violations({ method, pathname, requestBody, status, contentType, body }) {
  const where = `${method} ${pathname} → ${status}`;
  const found = operationFor(method, pathname);
  if (!found) return [`${where}: no such route and method in docs/openapi.json`];
  const { operation } = found;
  const problems = [];
  const request = operation.requestBody?.content?.['application/json']?.schema;
  if (requestBody !== undefined && request && status < 400) {
    const validate = validatorFor(request);
    if (!validate(requestBody)) problems.push(`${where}: request body ${ajv.errorsText(validate.errors)}`);
  }
  const declared = operation.responses[String(status)] ?? (status >= 400 ? operation.responses.default : undefined);
  if (!declared) return [...problems, `${where}: status ${status} is not declared (declared: ${Object.keys(operation.responses).join(', ')})`];
  const content = declared.content;
  if (!content) {
    if (body !== undefined && body !== '') problems.push(`${where}: the contract declares no body`);
    return problems;
  }
  const type = mediaType(contentType);
  const media = content[type];
  if (!media) return [...problems, `${where}: ${type || 'no content type'} is not declared (declared: ${Object.keys(content).join(', ')})`];
  if (type === 'text/event-stream' && media['x-events']) {
    // A stream: each event is declared by name, and its data matches that event's schema.
    for (const [name, data] of Array.isArray(body) ? body : []) {
      const schema = media['x-events'][name];
      if (!schema) {
        problems.push(`${where}: event "${name}" is not declared (declared: ${Object.keys(media['x-events']).join(', ')})`);
        continue;
      }
      const validate = validatorFor(schema);
      if (!validate(data)) problems.push(`${where}: event "${name}" ${ajv.errorsText(validate.errors)}`);
    }
  }
  if (type.endsWith('json') && media.schema) {
    const validate = validatorFor(media.schema);
    if (!validate(body)) problems.push(`${where}: answer ${ajv.errorsText(validate.errors)}`);
  }
  return problems;
}
