import type { OrgMetadata } from '../records/index.js';
import type { ReportDefinition } from './report.schemas.js';

/**
 * Ready reports over the standard modules, offered in the builder's gallery.
 * Won and open deals come from the stages' outcome in the organization's
 * stage picklist (an administrator may rename or add stages), never from names.
 */
interface GalleryEntry {
  key: string;
  name: string;
  description: string;
  definition: ReportDefinition;
}

const TEXTS = {
  pipeline_by_stage: {
    es: ['Embudo por etapa', 'Oportunidades abiertas e importe por etapa.'],
    en: ['Pipeline by stage', 'Open deals and their amount by stage.'],
  },
  won_revenue_by_month: {
    es: ['Ingresos ganados por mes', 'Importe de las oportunidades ganadas en este año fiscal, por mes de cierre.'],
    en: ['Won revenue by month', 'Amount of the deals won this fiscal year, by month closed.'],
  },
  deals_by_owner: {
    es: ['Oportunidades por propietario', 'Oportunidades, importe y tasa de éxito (ganadas ÷ cerradas) por propietario.'],
    en: ['Deals by owner', 'Deals, amount and win rate (won ÷ closed) by owner.'],
  },
  cases_by_sla_status: {
    es: ['Casos por estado de SLA', 'Casos por estado: abiertos, con el SLA vencido sin resolver.'],
    en: ['Cases by SLA status', 'Cases by status: open ones, and those past their SLA unresolved.'],
  },
  leads_by_source: {
    es: ['Leads por origen', 'Leads y tasa de conversión por origen.'],
    en: ['Leads by source', 'Leads and conversion rate by source.'],
  },
  activities_by_user: {
    es: ['Actividades por usuario', 'Tareas de cada usuario por estado.'],
    en: ['Activities by user', 'Each user’s tasks by status.'],
  },
} as const;

type GalleryKey = keyof typeof TEXTS;

/** The gallery for an organization (stage outcomes from its metadata), in the caller's language; modules it lacks are left out. */
export function galleryFor(metadata: OrgMetadata, language: 'es' | 'en'): GalleryEntry[] {
  const stages = metadata.modules.get('deals')?.fields.find((field) => field.apiName === 'stage')?.options.values ?? [];
  const won = stages.filter((stage) => stage.outcome === 'won').map((stage) => stage.code);
  const closed = stages.filter((stage) => stage.outcome === 'won' || stage.outcome === 'lost').map((stage) => stage.code);
  const open = stages.filter((stage) => stage.outcome !== 'won' && stage.outcome !== 'lost').map((stage) => stage.code);
  const definitions: Record<GalleryKey, ReportDefinition> = {
    pipeline_by_stage: {
      module: 'deals',
      type: 'summary',
      filter: { field: 'stage', op: 'in', value: open },
      groupBy: [{ field: 'stage' }],
      aggregates: [
        { key: 'count', fn: 'count' },
        { key: 'amount', fn: 'sum', field: 'amount' },
      ],
      chart: { type: 'funnel', value: 'amount' },
    },
    won_revenue_by_month: {
      module: 'deals',
      type: 'summary',
      filter: { field: 'stage', op: 'in', value: won },
      period: { field: 'closed_at', range: 'this_fiscal_year' },
      groupBy: [{ field: 'closed_at', bucket: 'month' }],
      aggregates: [{ key: 'won_amount', fn: 'sum', field: 'amount' }],
      chart: { type: 'bar', value: 'won_amount' },
    },
    deals_by_owner: {
      module: 'deals',
      type: 'summary',
      groupBy: [{ field: 'owner_id' }],
      aggregates: [
        { key: 'count', fn: 'count' },
        { key: 'amount', fn: 'sum', field: 'amount' },
        { key: 'won', fn: 'count', filter: { field: 'stage', op: 'in', value: won } },
        { key: 'closed', fn: 'count', filter: { field: 'stage', op: 'in', value: closed } },
      ],
      formulas: [
        { key: 'win_rate', expression: 'won / closed', format: 'percent', label: language === 'en' ? 'Win rate' : 'Tasa de éxito' },
      ],
      sort: [{ by: 'amount', direction: 'desc' }],
      chart: { type: 'bar', value: 'amount' },
    },
    cases_by_sla_status: {
      module: 'cases',
      type: 'summary',
      groupBy: [{ field: 'status' }],
      aggregates: [
        { key: 'count', fn: 'count' },
        {
          key: 'past_sla',
          fn: 'count',
          label: language === 'en' ? 'Past SLA, unresolved' : 'SLA vencido sin resolver',
          filter: {
            and: [
              { field: 'sla_due_at', op: 'lt', value: '$now' },
              { field: 'resolved_at', op: 'is_empty' },
            ],
          },
        },
      ],
      chart: { type: 'stacked_bar', value: 'count' },
    },
    leads_by_source: {
      module: 'leads',
      type: 'summary',
      groupBy: [{ field: 'lead_source' }],
      aggregates: [
        { key: 'count', fn: 'count' },
        { key: 'converted', fn: 'count', filter: { field: 'is_converted', op: 'eq', value: true } },
      ],
      formulas: [
        {
          key: 'conversion_rate',
          expression: 'converted / count',
          format: 'percent',
          label: language === 'en' ? 'Conversion rate' : 'Tasa de conversión',
        },
      ],
      chart: { type: 'pie', value: 'count' },
    },
    activities_by_user: {
      module: 'tasks',
      type: 'matrix',
      groupBy: [{ field: 'owner_id' }],
      columnGroupBy: [{ field: 'status' }],
      aggregates: [{ key: 'count', fn: 'count' }],
      chart: { type: 'stacked_bar', value: 'count' },
    },
  };
  return (Object.keys(definitions) as GalleryKey[])
    .filter((key) => metadata.modules.has(definitions[key].module))
    .map((key) => ({ key, name: TEXTS[key][language][0], description: TEXTS[key][language][1], definition: definitions[key] }));
}
