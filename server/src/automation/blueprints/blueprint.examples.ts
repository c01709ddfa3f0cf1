import type { BlueprintDefinition } from './blueprint.schemas.js';

/** Ready-made Blueprints, from the automation article of the product brief. */
export const BLUEPRINT_EXAMPLES = ['lead_qualification'] as const;
export type BlueprintExampleName = (typeof BLUEPRINT_EXAMPLES)[number];

const TEXT = {
  es: {
    name: 'Cualificación de posibles clientes',
    description:
      'Se contacta con el posible cliente; si no responde, se vuelve a intentar al día siguiente (se avisa al propietario). Una vez contactado: no interesado, sin futuro o cualificado (se pide sector e ingresos anuales y se crea la tarea de convertirlo).',
    attempted: 'Sin respuesta',
    contacted: 'Contactado',
    notInterested: 'No interesado',
    junk: 'Sin futuro',
    qualified: 'Cualificado',
    retry: 'Volver a llamar a {{first_name}} {{last_name}}',
    convert: 'Convertir el cliente potencial',
  },
  en: {
    name: 'Lead qualification',
    description:
      'Contact the lead; with no answer, try again the next day (the owner is reminded). Once contacted: not interested, junk, or qualified (industry and annual revenue asked for, and a task to convert it).',
    attempted: 'No answer',
    contacted: 'Contacted',
    notInterested: 'Not interested',
    junk: 'Junk',
    qualified: 'Qualified',
    retry: 'Call {{first_name}} {{last_name}} again',
    convert: 'Convert the lead',
  },
};

/** The article's lead process on leads.lead_status: contact, retry the next day, then one of three outcomes. */
export function exampleBlueprint(
  name: BlueprintExampleName,
  language: 'es' | 'en',
): { name: string; description: string; module: string; field: string; definition: BlueprintDefinition } {
  const text = TEXT[language];
  switch (name) {
    case 'lead_qualification':
      return {
        name: text.name,
        description: text.description,
        module: 'leads',
        field: 'lead_status',
        definition: {
          states: [
            { value: 'not_contacted', position: { x: 40, y: 160 } },
            {
              value: 'attempted',
              position: { x: 280, y: 40 },
              timeLimitHours: 24,
              escalation: {
                notify: 'owner',
                actions: [{ type: 'task', subject: text.retry, assignTo: 'owner', dueInDays: 0, priority: 'high' }],
              },
            },
            { value: 'contacted', position: { x: 520, y: 160 } },
            { value: 'unqualified', position: { x: 800, y: 40 } },
            { value: 'junk', position: { x: 800, y: 160 } },
            { value: 'qualified', position: { x: 800, y: 280 } },
          ],
          transitions: [
            {
              id: 'attempted',
              name: text.attempted,
              from: ['not_contacted', 'attempted'],
              to: 'attempted',
              during: { note: 'required', attachment: 'none' },
            },
            {
              id: 'contacted',
              name: text.contacted,
              from: ['not_contacted', 'attempted'],
              to: 'contacted',
              during: { requiredFields: ['phone'], note: 'optional', attachment: 'none' },
            },
            {
              id: 'not_interested',
              name: text.notInterested,
              from: ['contacted'],
              to: 'unqualified',
              during: { note: 'required', attachment: 'none' },
            },
            { id: 'junk', name: text.junk, from: ['contacted'], to: 'junk', during: { note: 'required', attachment: 'none' } },
            {
              id: 'qualified',
              name: text.qualified,
              from: ['contacted'],
              to: 'qualified',
              during: { requiredFields: ['industry', 'annual_revenue'], note: 'optional', attachment: 'optional' },
              after: [{ type: 'task', subject: text.convert, assignTo: 'owner', dueInDays: 1 }],
            },
          ],
        },
      };
  }
}
