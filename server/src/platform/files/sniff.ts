import { AppError } from '../http/app-error.js';

/** How many leading bytes the check looks at. */
export const SNIFF_BYTES = 4096;

const ZIP_FAMILY: Record<string, string> = {
  'application/zip': '.zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': '.pptx',
  'application/vnd.oasis.opendocument.text': '.odt',
  'application/vnd.oasis.opendocument.spreadsheet': '.ods',
  'application/vnd.oasis.opendocument.presentation': '.odp',
};
const TEXT_TYPES = ['text/plain', 'text/csv'];
/** What a browser sends when it does not know: the bytes decide. */
const UNKNOWN_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/x-zip-compressed']);

type Sniffed = { kind: 'exact'; type: string } | { kind: 'zip' } | { kind: 'text' } | { kind: 'executable' } | { kind: 'unknown' };

const startsWith = (head: Buffer, bytes: number[], offset = 0) => bytes.every((byte, i) => head[offset + i] === byte);
const ascii = (value: string) => [...value].map((c) => c.charCodeAt(0));

function sniff(head: Buffer): Sniffed {
  if (startsWith(head, ascii('MZ')) || startsWith(head, [0x7f, ...ascii('ELF')]) || startsWith(head, ascii('#!')))
    return { kind: 'executable' };
  // Mach-O (32/64 bit, both byte orders) and universal binaries.
  for (const magic of [
    [0xfe, 0xed, 0xfa, 0xce],
    [0xfe, 0xed, 0xfa, 0xcf],
    [0xce, 0xfa, 0xed, 0xfe],
    [0xcf, 0xfa, 0xed, 0xfe],
    [0xca, 0xfe, 0xba, 0xbe],
  ])
    if (startsWith(head, magic)) return { kind: 'executable' };
  if (startsWith(head, ascii('%PDF-'))) return { kind: 'exact', type: 'application/pdf' };
  if (startsWith(head, [0x89, ...ascii('PNG'), 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'exact', type: 'image/png' };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'exact', type: 'image/jpeg' };
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return { kind: 'exact', type: 'image/gif' };
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return { kind: 'exact', type: 'image/webp' };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return { kind: 'zip' };
  if (isText(head)) return { kind: 'text' };
  return { kind: 'unknown' };
}

/** UTF-8 (a character cut at the end of the sample is fine) without NUL or other control bytes but tab, CR, LF, FF. */
function isText(head: Buffer): boolean {
  if (head.length === 0) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return false;
  }
  return !head.some((byte) => byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c);
}

const extension = (name: string) => /\.[A-Za-z0-9]+$/.exec(name)?.[0].toLowerCase() ?? '';

const refuse = (message: string) => new AppError('unsupported_file_type', message, { field: 'file' });

/**
 * The content type to store for a file, from its first bytes and what the
 * uploader declared: the bytes must not contradict the declared type, and
 * executables (MZ, ELF, Mach-O, scripts with #!) are never accepted. Accepted:
 * PDF, PNG, JPEG, GIF, WEBP, ZIP and the ZIP-based office formats, plain text
 * and CSV. Anything else is a 415 unsupported_file_type.
 */
export function confirmContentType(head: Buffer, declaredType: string | undefined, name: string): string {
  const declared = (declaredType ?? '').split(';')[0]!.trim().toLowerCase();
  const unknown = UNKNOWN_TYPES.has(declared);
  const sniffed = sniff(head);
  switch (sniffed.kind) {
    case 'executable':
      throw refuse('Programs and scripts cannot be uploaded.');
    case 'exact':
      if (unknown || declared === sniffed.type || (declared === 'image/jpg' && sniffed.type === 'image/jpeg')) return sniffed.type;
      throw refuse(`The file says it is ${declared}, but its contents are ${sniffed.type}.`);
    case 'zip': {
      if (declared in ZIP_FAMILY && declared !== 'application/zip') return declared;
      if (unknown || declared === 'application/zip') {
        // A browser that does not know .docx sends octet-stream: the extension names the office format.
        const byExtension = Object.entries(ZIP_FAMILY).find(([, ext]) => ext === extension(name));
        return byExtension?.[0] ?? 'application/zip';
      }
      throw refuse(`The file says it is ${declared}, but its contents are a ZIP archive.`);
    }
    case 'text':
      if (TEXT_TYPES.includes(declared)) return declared;
      if (unknown || declared === 'application/csv' || declared === 'text/comma-separated-values')
        return extension(name) === '.csv' || declared.includes('csv') ? 'text/csv' : 'text/plain';
      throw refuse(
        declared.startsWith('text/')
          ? `${declared} files are not accepted: plain text and CSV are.`
          : `The file says it is ${declared}, but its contents are text.`,
      );
    default:
      throw refuse('This kind of file is not accepted: PDF, images (PNG, JPEG, GIF, WEBP), office documents, ZIP, text and CSV are.');
  }
}
