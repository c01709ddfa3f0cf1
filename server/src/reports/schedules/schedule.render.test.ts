import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../report.engine.js';
import { chartBars, renderAttachment } from './schedule.render.js';

// The PDF is read back with poppler's pdftotext (Debian: poppler-utils; .ci/run installs it).
const hasPdftotext = spawnSync('pdftotext', ['-v']).error === undefined;
if (!hasPdftotext && process.env.CLAVE_REQUIRE_PDFTOTEXT) throw new Error('pdftotext is not installed (apt-get install poppler-utils).');

function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clave-report-pdf-'));
  try {
    const file = path.join(dir, 'report.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/[ \u00a0\u202f]+/g, ' ');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Won revenue by owner: a summary with a count and a sum, drawn by the sum. */
const result: RunResult = {
  columns: [
    { key: 'owner_id', label: 'Propietario', type: 'user', kind: 'group' },
    { key: 'count', label: 'Recuento', type: 'number', kind: 'aggregate' },
    { key: 'won', label: 'Ganado', type: 'currency', format: 'currency', kind: 'aggregate' },
  ],
  groups: [
    { keys: { owner_id: 'u1' }, labels: { owner_id: 'Ana' }, values: { count: 2, won: 1400 } },
    { keys: { owner_id: 'u2' }, labels: { owner_id: 'Bea' }, values: { count: 1, won: 2300.5 } },
  ],
  totals: { count: 3, won: 3700.5 },
  currency: 'EUR',
  truncated: false,
  durationMs: 1,
};

describe('a scheduled report as a PDF', () => {
  it('draws the chart’s value per top-level group (the first aggregate when the chart names none)', () => {
    expect(chartBars(result, 'won')).toEqual({
      title: 'Ganado · Propietario',
      bars: [
        { label: 'Ana', value: 1400 },
        { label: 'Bea', value: 2300.5 },
      ],
    });
    expect(chartBars(result)?.title).toBe('Recuento · Propietario');
    expect(chartBars({ ...result, groups: [] })).toBeNull();
  });

  it.skipIf(!hasPdftotext)('has the chart above the table', async () => {
    const attachment = await renderAttachment('pdf', { name: 'Ganado por propietario', result, totalLabel: 'Total', chartValue: 'won' });
    expect(attachment.filename).toBe('Ganado por propietario.pdf');
    const text = pdfText(attachment.content);
    const chartAt = text.indexOf('Ganado · Propietario');
    const tableAt = text.indexOf('Propietario Recuento Ganado');
    expect(chartAt).toBeGreaterThan(-1);
    expect(tableAt).toBeGreaterThan(chartAt);
    const chart = text.slice(chartAt, tableAt);
    // es: four-digit numbers are not grouped (1400), decimals take a comma.
    expect(chart).toMatch(/Ana 1400/);
    expect(chart).toMatch(/Bea 2300,5/);
    expect(text.slice(tableAt)).toMatch(/Total 3 3700\.5/);
  });
});
