/** The hosted page of a public form: plain HTML, no script, embeddable in an iframe. */
export interface PageField {
  field: string;
  label: string;
  type: string;
  required: boolean;
  values?: Array<{ code: string; label: string }>;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const INPUT_TYPE: Record<string, string> = {
  email: 'email',
  phone: 'tel',
  url: 'url',
  integer: 'number',
  decimal: 'number',
  currency: 'number',
  percent: 'number',
  date: 'date',
};

function input(field: PageField): string {
  const name = escapeHtml(field.field);
  const required = field.required ? ' required' : '';
  if (field.type === 'long_text') return `<textarea id="${name}" name="${name}" rows="4"${required}></textarea>`;
  if (field.type === 'boolean') return `<input id="${name}" name="${name}" type="checkbox" value="true">`;
  if (field.type === 'picklist' || field.type === 'multi_select') {
    const options = (field.values ?? []).map((v) => `<option value="${escapeHtml(v.code)}">${escapeHtml(v.label)}</option>`).join('');
    const multiple = field.type === 'multi_select' ? ' multiple' : '';
    return `<select id="${name}" name="${name}"${multiple}${required}>${field.type === 'picklist' ? '<option value=""></option>' : ''}${options}</select>`;
  }
  const step = field.type === 'integer' ? '' : INPUT_TYPE[field.type] === 'number' ? ' step="any"' : '';
  return `<input id="${name}" name="${name}" type="${INPUT_TYPE[field.type] ?? 'text'}"${step}${required}>`;
}

export function renderFormPage(input_: {
  title: string;
  action: string;
  token: string;
  fields: PageField[];
  submit: string;
  language: string;
  errors?: string[];
}): string {
  const rows = input_.fields
    .map(
      (field) =>
        `<p><label for="${escapeHtml(field.field)}">${escapeHtml(field.label)}${field.required ? ' *' : ''}</label>${input(field)}</p>`,
    )
    .join('\n');
  const errors = input_.errors?.length ? `<ul class="errors">${input_.errors.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="${escapeHtml(input_.language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input_.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:1.5rem auto;padding:0 1rem;color:#1a1b1e}label{display:block;font-weight:600;margin-bottom:.25rem}
input,select,textarea{width:100%;padding:.5rem;border:1px solid #ced4da;border-radius:4px;font:inherit;box-sizing:border-box}input[type=checkbox]{width:auto}
button{padding:.6rem 1.2rem;border:0;border-radius:4px;background:#1c7ed6;color:#fff;font:inherit;cursor:pointer}.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}.errors{color:#c92a2a}</style>
</head><body><h1>${escapeHtml(input_.title)}</h1>${errors}
<form method="post" action="${escapeHtml(input_.action)}">
<input type="hidden" name="_ts" value="${escapeHtml(input_.token)}">
<div class="hp" aria-hidden="true"><label for="_hp">Leave empty</label><input id="_hp" name="_hp" type="text" tabindex="-1" autocomplete="off"></div>
${rows}
<p><button type="submit">${escapeHtml(input_.submit)}</button></p>
</form></body></html>`;
}

export function renderThankYouPage(input_: { title: string; message: string; language: string }): string {
  return `<!doctype html><html lang="${escapeHtml(input_.language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(input_.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:1.5rem auto;padding:0 1rem}</style></head><body><h1>${escapeHtml(input_.title)}</h1><p>${escapeHtml(input_.message)}</p></body></html>`;
}
