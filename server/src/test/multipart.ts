/** A multipart/form-data body as a browser would send it, for `t.request` (body and content-type header). */
export async function multipartBody(fields: Record<string, string>, file?: { name: string; content: Buffer | string; type?: string }) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  if (file) {
    const bytes = typeof file.content === 'string' ? file.content : new Uint8Array(file.content);
    form.append('file', new Blob([bytes], { type: file.type ?? 'text/csv' }), file.name);
  }
  const request = new Request('http://clave.test/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}
