import type { CreateRuleBody } from './workflow.schemas.js';

/** Ready-made rules, from the automation article of the product brief. */
export const EXAMPLES = ['high_priority_lead'] as const;
export type ExampleName = (typeof EXAMPLES)[number];

const TEXT = {
  es: {
    name: 'Posible cliente de alta prioridad',
    description:
      'Cuando se crea un posible cliente con valoración «Caliente», se avisa por correo al responsable del propietario y el estado pasa a «Contactado».',
    subject: 'Nuevo posible cliente de alta prioridad: {{first_name}} {{last_name}}',
    body: 'Hola:\n\n{{owner_id}} tiene un nuevo posible cliente de alta prioridad: {{first_name}} {{last_name}} ({{company}}).\nCorreo: {{email}}\nTeléfono: {{phone}}\n\nSu estado ha pasado a «Contactado».',
  },
  en: {
    name: 'High-priority lead',
    description: 'When a lead rated "Hot" is created, the owner’s manager is e-mailed and its status becomes "Contacted".',
    subject: 'New high-priority lead: {{first_name}} {{last_name}}',
    body: 'Hello,\n\n{{owner_id}} has a new high-priority lead: {{first_name}} {{last_name}} ({{company}}).\nE-mail: {{email}}\nPhone: {{phone}}\n\nIts status is now "Contacted".',
  },
};

/** The article's example: a lead created with high priority (rating hot) e-mails the manager and sets Lead Status to Contacted. */
export function exampleRule(name: ExampleName, language: 'es' | 'en'): CreateRuleBody {
  const text = TEXT[language];
  switch (name) {
    case 'high_priority_lead':
      return {
        name: text.name,
        description: text.description,
        module: 'leads',
        trigger: 'create',
        criteria: { and: [{ field: 'rating', op: 'eq', value: 'hot' }] },
        actions: [
          { type: 'email', to: 'manager', subject: text.subject, body: text.body },
          { type: 'field_update', field: 'lead_status', value: 'contacted' },
        ],
      };
  }
}
