/**
 * What the API layer builds from the action registry: every portal form field's label exists in the English and
 * Slovak message catalogues, and every action has its own OpenAPI operation. (The registry's own rules are in
 * action-registry.test.ts; this file is kept out of the mutation run of domain/ because it loads the API code.)
 */
import { ACTIONS, TICKET_ACTIONS, type ActionDefinition } from '../../domain/ticket/actions';
import { loadMessages } from '../../api/portal/i18n';
import { buildOpenApi } from '../../api/openapi';

const messages = { en: loadMessages('en'), sk: loadMessages('sk') };
const defs = TICKET_ACTIONS.map((name) => [name, ACTIONS[name] as ActionDefinition] as const);

describe('the action registry in the API', () => {
  it.each(defs)('%s: every portal form field named by a message key has it in both languages', (_name, def) => {
    if (def.forms === 'api-only') return;
    for (const form of def.forms) {
      for (const field of form.fields) {
        if (typeof field.label !== 'string') continue;
        expect([field.label, messages.en[field.label] !== undefined]).toEqual([field.label, true]);
        expect([field.label, messages.sk[field.label] !== undefined]).toEqual([field.label, true]);
      }
    }
  });

  it('every action has its own OpenAPI operation whose request body is the action\'s input schema', () => {
    const paths = (buildOpenApi() as { paths: Record<string, { post?: { operationId: string; requestBody?: unknown; responses: Record<string, unknown> } }> }).paths;
    for (const [name] of defs) {
      const op = paths[`/api/v1/tickets/{id}/actions/${name}`]?.post;
      expect([name, typeof op?.operationId]).toEqual([name, 'string']);
      expect(op?.requestBody).toBeDefined();
      for (const status of ['200', '400', '401', '403', '404', '409', '422']) expect([name, status, op?.responses[status] !== undefined]).toEqual([name, status, true]);
    }
  });
});
