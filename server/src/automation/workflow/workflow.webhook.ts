import type { Executor, Trx } from '../../db/database.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { AppError, badRequest } from '../../platform/http/app-error.js';
import {
  hasBody,
  headerNameProblem,
  headerValueProblem,
  type DeliveryContentType,
  type DeliveryRequest,
} from '../../platform/webhooks/index.js';
import { placeholders, renderMergeFields, type ModuleMeta } from '../../records/index.js';
import { findWebhook } from './workflow.repository.js';
import type { Action } from './workflow.schemas.js';
import type { RunContext } from './workflow.actions.js';
import { webhookMergeNames, webhookMergeValues } from './workflow.merge.js';

type WebhookAction = Extract<Action, { type: 'webhook' }>;

/** How a merge value is written into a body of this type: JSON string escapes, form encoding, or as it is. */
const ESCAPES: Record<DeliveryContentType, (value: string) => string> = {
  'application/json': (value) => JSON.stringify(value).slice(1, -1),
  'application/x-www-form-urlencoded': (value) => encodeURIComponent(value).replace(/%20/g, '+'),
  'text/plain': (value) => value,
};

/** Whether the action asks for more than the standard signed JSON POST (stored actions from before never do). */
const isCustom = (action: WebhookAction) =>
  action.method !== undefined || action.headers !== undefined || action.contentType !== undefined || action.bodyTemplate !== undefined;

/**
 * Checks a webhook action (400 naming the bad part): the webhook is the organization's; header names are HTTP
 * tokens, unique, and none Clave sets itself or a connection header; a body only with a method that has one; a
 * content type other than JSON only with a body template; the template's merge fields exist, and a JSON template
 * is JSON once they are filled in.
 */
export async function checkWebhookAction(executor: Executor, auth: AuthContext, module: ModuleMeta, action: WebhookAction, path: string) {
  if (!(await findWebhook(executor, auth.orgId, action.webhookId)))
    throw badRequest('No webhook of your organization has this id.', `${path}.webhookId`);
  const seen = new Set<string>();
  for (const [index, header] of (action.headers ?? []).entries()) {
    const problem = headerNameProblem(header.name);
    if (problem) throw badRequest(problem, `${path}.headers[${index}].name`);
    if (seen.has(header.name.toLowerCase()))
      throw badRequest(`The header "${header.name}" is named twice.`, `${path}.headers[${index}].name`);
    seen.add(header.name.toLowerCase());
    const valueProblem = headerValueProblem(header.value);
    if (valueProblem) throw badRequest(valueProblem, `${path}.headers[${index}].value`);
  }
  const method = action.method ?? 'POST';
  const contentType = action.contentType ?? 'application/json';
  if (action.bodyTemplate === undefined) {
    if (contentType !== 'application/json' && hasBody(method))
      throw badRequest('A content type other than JSON needs a body template.', `${path}.contentType`);
    return;
  }
  if (!hasBody(method)) throw badRequest(`A ${method} request has no body: remove the body template.`, `${path}.bodyTemplate`);
  const names = webhookMergeNames(module);
  const unknown = placeholders(action.bodyTemplate).find((name) => !names.has(name));
  if (unknown) throw badRequest(`Unknown merge field {{${unknown}}} for ${module.apiName}.`, `${path}.bodyTemplate`);
  if (contentType === 'application/json') {
    // Filled with a value that is valid both inside quotes and as a bare number.
    const sample = renderMergeFields(action.bodyTemplate, new Map([...names].map((name) => [name, '0'])));
    try {
      JSON.parse(sample);
    } catch (error) {
      throw badRequest(`The body template is not valid JSON: ${(error as Error).message}`, `${path}.bodyTemplate`);
    }
  }
}

/**
 * The request a webhook action sends, its body rendered now from the record (so every retry and re-send repeats
 * these bytes); undefined for the standard JSON POST.
 */
export async function webhookRequest(trx: Trx, run: RunContext, action: WebhookAction): Promise<DeliveryRequest | undefined> {
  if (!isCustom(action)) return undefined;
  const method = action.method ?? 'POST';
  const contentType = action.contentType ?? 'application/json';
  const request: DeliveryRequest = { method, headers: action.headers ?? [], contentType };
  if (!hasBody(method)) return { ...request, body: null };
  if (action.bodyTemplate === undefined) return request;
  const used = placeholders(action.bodyTemplate);
  const values = await webhookMergeValues(trx, run, used);
  const escape = ESCAPES[contentType];
  const body = renderMergeFields(action.bodyTemplate, new Map(used.map((name) => [name, escape(values.get(name) ?? '')])));
  if (contentType === 'application/json') {
    try {
      JSON.parse(body);
    } catch {
      throw new AppError('validation_failed', 'The body rendered from the template is not valid JSON (an empty field outside quotes?).');
    }
  }
  return { ...request, body };
}
