import type { KpiId, KpiUnit } from './definitions/common.js';

/**
 * KPI names and values for people, in the texts the server writes itself
 * (notifications); the web app has its own copy for its screens.
 */
export type KpiLanguage = 'es' | 'en';

export const KPI_LABELS: Record<KpiId, Record<KpiLanguage, string>> = {
  clv: { es: 'Valor del ciclo de vida (CLV)', en: 'Customer lifetime value (CLV)' },
  referenceable_rate: { es: 'Cuentas que nos recomiendan', en: 'Referenceable accounts' },
  nps: { es: 'NPS', en: 'NPS' },
  csat: { es: 'CSAT', en: 'CSAT' },
  outcomes_on_track: { es: 'Objetivos del cliente en camino', en: 'Customer outcomes on track' },
  touchpoints: { es: 'Interacciones', en: 'Touchpoints' },
  days_since_last_touch: { es: 'Días desde la última interacción', en: 'Days since last touch' },
  resolution_time_hours: { es: 'Tiempo de resolución (mediana)', en: 'Resolution time (median)' },
  referral_revenue_share: { es: 'Ingresos por recomendación', en: 'Referral revenue share' },
  repeat_customer_share: { es: 'Clientes que repiten', en: 'Repeat customers' },
  new_to_repeat_ratio: { es: 'Nuevo negocio / recurrente', en: 'New to repeat revenue' },
  sla_compliance: { es: 'Cumplimiento del SLA', en: 'SLA compliance' },
  sow_growth: { es: 'Crecimiento del alcance (SOW)', en: 'Statement of work growth' },
  acquisition_rate: { es: 'Tasa de captación', en: 'Acquisition rate' },
  upsell_rate: { es: 'Tasa de venta adicional', en: 'Upsell rate' },
  cross_sell_rate: { es: 'Tasa de venta cruzada', en: 'Cross-sell rate' },
  renewal_rate: { es: 'Tasa de renovación', en: 'Renewal rate' },
  enps: { es: 'eNPS', en: 'eNPS' },
  churn_rate: { es: 'Tasa de abandono', en: 'Churn rate' },
  revenue_churn: { es: 'Pérdida de ingresos', en: 'Revenue churn' },
  nrr: { es: 'Retención neta de ingresos (NRR)', en: 'Net revenue retention (NRR)' },
  grr: { es: 'Retención bruta de ingresos (GRR)', en: 'Gross revenue retention (GRR)' },
  health_score: { es: 'Salud de la cuenta', en: 'Health score' },
};

/** A KPI value in its unit: ratios as %, the new-to-repeat ratio as a multiple, currency with its code, days and hours named. */
export function formatKpiValue(language: KpiLanguage, id: KpiId, unit: KpiUnit, value: number | string, currency: string): string {
  const locale = language === 'es' ? 'es-ES' : 'en-GB';
  const n = Number(value);
  const number = (digits: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);
  if (id === 'new_to_repeat_ratio')
    return `×${new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n)}`;
  switch (unit) {
    case 'ratio':
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(n);
    case 'currency':
      return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 }).format(n);
    case 'days':
      return language === 'es' ? `${number(1)} días` : `${number(1)} days`;
    case 'hours':
      return language === 'es' ? `${number(1)} h` : `${number(1)} h`;
    default:
      return number(1);
  }
}
