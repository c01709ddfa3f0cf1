import type { OpenApiDocument } from './openapi.plugin.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The little Markdown the description uses: paragraphs, `code` and one table. */
function renderDescription(markdown: string): string {
  const inline = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
  const blocks = markdown.split(/\n\s*\n/);
  return blocks
    .map((block) => {
      const lines = block.trim().split('\n');
      if (lines.every((line) => line.trim().startsWith('|'))) {
        const cells = (line: string) =>
          line
            .trim()
            .replace(/^\||\|$/g, '')
            .split('|')
            .map((cell) => cell.trim());
        const [head, , ...rows] = lines;
        return `<table><thead><tr>${cells(head!)
          .map((cell) => `<th>${inline(cell)}</th>`)
          .join('')}</tr></thead><tbody>${rows
          .map(
            (row) =>
              `<tr>${cells(row)
                .map((cell) => `<td>${inline(cell)}</td>`)
                .join('')}</tr>`,
          )
          .join('')}</tbody></table>`;
      }
      return `<p>${inline(block)}</p>`;
    })
    .join('');
}

function schemaBlock(schema: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
}

/** A self-contained, readable HTML reference of the OpenAPI document (no external assets). */
export function renderApiReference(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'Other';
      const body = op.requestBody ? `<details><summary>Request body</summary>${schemaBlock(op.requestBody)}</details>` : '';
      const params = op.parameters?.length ? `<details><summary>Parameters</summary>${schemaBlock(op.parameters)}</details>` : '';
      const responses = op.responses
        ? `<details><summary>Responses: ${Object.keys(op.responses).join(', ')}</summary>${schemaBlock(op.responses)}</details>`
        : '';
      const html = `<section class="op"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
        <p>${escapeHtml(op.summary ?? '')}</p>${op.description ? `<p class="d">${escapeHtml(op.description)}</p>` : ''}${params}${body}${responses}</section>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const toc = [...byTag.keys()].map((tag) => `<li><a href="#${encodeURIComponent(tag)}">${escapeHtml(tag)}</a></li>`).join('');
  const sections = [...byTag.entries()]
    .map(([tag, ops]) => `<h2 id="${encodeURIComponent(tag)}">${escapeHtml(tag)}</h2>${ops.join('')}`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)} reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:0 auto;padding:24px;color:#1f2933}
pre{background:#f4f6f8;padding:12px;overflow:auto;font-size:12px;border-radius:6px}.op{border-top:1px solid #e4e7eb;padding:8px 0}
.m{display:inline-block;min-width:64px;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px}
.get{background:#2f80ed}.post{background:#27ae60}.put,.patch{background:#f2994a}.delete{background:#eb5757}.d{color:#52606d}
table{border-collapse:collapse}td,th{border:1px solid #e4e7eb;padding:2px 8px}</style></head>
<body><h1>${escapeHtml(doc.info.title)}</h1><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${renderDescription(doc.info.description ?? '')}<ul>${toc}</ul>${sections}</body></html>`;
}
