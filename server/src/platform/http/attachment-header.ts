/**
 * A `Content-Disposition: attachment` header value for a file name (RFC 6266):
 * an ASCII fallback in `filename` and the exact UTF-8 name in `filename*`.
 */
export function attachmentHeader(fileName: string): string {
  const fallback = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
