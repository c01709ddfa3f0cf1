import { numberOf } from './format';
import type { KpiValue } from './cockpit-api';

/** Hand-made SVG charts: the app has no chart library, and these need only lines, bars and a target line. */

const BLUE = 'var(--mantine-color-blue-6)';
const GRAY = 'var(--mantine-color-gray-4)';
const RED = 'var(--mantine-color-red-6)';

/** A small line of the series; gaps where a period has no value. Decorative: the card states the numbers. */
export function Sparkline({ values, width = 120, height = 32 }: { values: KpiValue[]; width?: number; height?: number }) {
  const numbers = values.map(numberOf);
  const present = numbers.filter((n): n is number => n !== null);
  if (present.length === 0) return <svg width={width} height={height} aria-hidden="true" />;
  const min = Math.min(...present);
  const max = Math.max(...present);
  const span = max - min || 1;
  const step = numbers.length > 1 ? (width - 4) / (numbers.length - 1) : 0;
  const point = (n: number, i: number) => [2 + i * step, height - 3 - ((n - min) / span) * (height - 6)] as const;
  const segments: string[][] = [];
  let current: string[] = [];
  numbers.forEach((n, i) => {
    if (n === null) {
      if (current.length) segments.push(current);
      current = [];
      return;
    }
    const [x, y] = point(n, i);
    current.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (current.length) segments.push(current);
  const lastIndex = numbers.length - 1;
  const last = numbers[lastIndex];
  return (
    <svg width={width} height={height} aria-hidden="true" data-testid="sparkline">
      {segments.map((segment, i) =>
        segment.length > 1 ? <polyline key={i} points={segment.join(' ')} fill="none" stroke={BLUE} strokeWidth={1.5} /> : null,
      )}
      {last !== null && last !== undefined && <circle cx={point(last, lastIndex)[0]} cy={point(last, lastIndex)[1]} r={2.5} fill={BLUE} />}
    </svg>
  );
}

/**
 * Bars of the series with the target as a dashed line; each bar has a title (hover) and the value under the
 * period name. `format` writes a value in the KPI's unit.
 */
export function SeriesChart({
  series,
  target,
  format,
  label,
  periodLabel,
}: {
  series: Array<{ period: string; value: KpiValue }>;
  target: KpiValue;
  format: (value: KpiValue) => string;
  label: string;
  periodLabel: (period: string) => string;
}) {
  const width = 640;
  const height = 220;
  const top = 16;
  const bottom = 44;
  const numbers = series.map((point) => numberOf(point.value));
  const targetValue = numberOf(target);
  const all = [...numbers.filter((n): n is number => n !== null), ...(targetValue !== null ? [targetValue] : []), 0];
  const max = Math.max(...all);
  const min = Math.min(...all);
  const span = max - min || 1;
  const y = (n: number) => top + (1 - (n - min) / span) * (height - top - bottom);
  const slot = width / series.length;
  const barWidth = Math.min(48, slot * 0.6);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={label} style={{ maxHeight: 260 }}>
      <line x1={0} x2={width} y1={y(0)} y2={y(0)} stroke={GRAY} />
      {series.map((point, i) => {
        const n = numbers[i];
        const x = i * slot + (slot - barWidth) / 2;
        const isLast = i === series.length - 1;
        return (
          <g key={point.period}>
            <title>{`${periodLabel(point.period)}: ${format(point.value)}`}</title>
            {n !== null && n !== undefined && (
              <rect
                x={x}
                y={Math.min(y(n), y(0))}
                width={barWidth}
                height={Math.max(1, Math.abs(y(0) - y(n)))}
                rx={3}
                fill={isLast ? BLUE : 'var(--mantine-color-blue-3)'}
              />
            )}
            <text x={x + barWidth / 2} y={height - 26} textAnchor="middle" fontSize={11} fill="var(--mantine-color-gray-7)">
              {periodLabel(point.period)}
            </text>
            <text x={x + barWidth / 2} y={height - 10} textAnchor="middle" fontSize={11} fontWeight={isLast ? 700 : 400}>
              {format(point.value)}
            </text>
          </g>
        );
      })}
      {targetValue !== null && (
        <g>
          <line x1={0} x2={width} y1={y(targetValue)} y2={y(targetValue)} stroke={RED} strokeDasharray="6 4" strokeWidth={1.5} />
          <text x={4} y={y(targetValue) - 4} textAnchor="start" fontSize={11} fill={RED}>
            {format(target)}
          </text>
        </g>
      )}
    </svg>
  );
}

/** Conversion rate per number of touchpoints; buckets under 20 leads drawn as empty outlines. */
export function CurveChart({
  buckets,
  label,
  format,
}: {
  buckets: Array<{ label: string; rate: number | null; hidden: boolean; leads: number }>;
  label: string;
  format: (rate: number | null) => string;
}) {
  const width = 640;
  const height = 200;
  const top = 16;
  const bottom = 36;
  const max = Math.max(0.0001, ...buckets.map((bucket) => (bucket.hidden ? 0 : (bucket.rate ?? 0))));
  const slot = width / Math.max(1, buckets.length);
  const barWidth = Math.min(44, slot * 0.6);
  const y = (n: number) => top + (1 - n / max) * (height - top - bottom);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={label} style={{ maxHeight: 240 }}>
      <line x1={0} x2={width} y1={y(0)} y2={y(0)} stroke={GRAY} />
      {buckets.map((bucket, i) => {
        const x = i * slot + (slot - barWidth) / 2;
        const rate = bucket.hidden ? null : bucket.rate;
        return (
          <g key={bucket.label}>
            <title>{`${bucket.label}: ${format(rate)} (${bucket.leads})`}</title>
            {rate !== null ? (
              <rect x={x} y={y(rate)} width={barWidth} height={Math.max(1, y(0) - y(rate))} rx={3} fill={BLUE} />
            ) : (
              <rect x={x} y={y(0) - 12} width={barWidth} height={12} rx={3} fill="none" stroke={GRAY} strokeDasharray="3 3" />
            )}
            <text x={x + barWidth / 2} y={rate !== null ? y(rate) - 4 : y(0) - 16} textAnchor="middle" fontSize={11}>
              {format(rate)}
            </text>
            <text x={x + barWidth / 2} y={height - 14} textAnchor="middle" fontSize={11} fill="var(--mantine-color-gray-7)">
              {bucket.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
