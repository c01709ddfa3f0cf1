import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError, badRequest } from '../../platform/http/app-error.js';
import { detectFileType } from './import-file.js';
import type { UploadedFile } from './import.service.js';

/**
 * Reads a multipart import request: the `file` part is streamed to `target`
 * (never held in memory), the other parts are text fields. Too large a file
 * is a 413, anything but CSV or XLSX a 415; nothing is left on disk then.
 */
export async function receiveUpload(
  request: FastifyRequest,
  target: string,
  maxBytes: number,
): Promise<{ file: UploadedFile; fields: Record<string, string> }> {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data.', { field: 'file' });
  const fields: Record<string, string> = {};
  let name: string | null = null;
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 256 * 1024 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || name !== null) {
          part.file.resume();
          continue;
        }
        name = part.filename || 'import.csv';
        await pipeline(part.file, fs.createWriteStream(target));
        if (part.file.truncated) throw new AppError('payload_too_large', `The file is larger than ${maxBytes} bytes.`, { field: 'file' });
      } else {
        fields[part.fieldname] = String(part.value ?? '');
      }
    }
    if (name === null) throw badRequest('Attach the file in the "file" part.', 'file');
    const handle = await fs.promises.open(target, 'r');
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0).finally(() => handle.close());
    const type = detectFileType(name, head.subarray(0, bytesRead));
    if (!type) throw new AppError('unsupported_media_type', 'The file must be CSV or XLSX.', { field: 'file' });
    if (bytesRead === 0) throw badRequest('The file is empty.', 'file');
    return { file: { path: target, name, type }, fields };
  } catch (error) {
    await fs.promises.rm(target, { force: true });
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError('payload_too_large', `The file is larger than ${maxBytes} bytes.`, { field: 'file' });
    if (typeof code === 'string' && code.startsWith('FST_')) throw badRequest((error as Error).message, 'file');
    throw error;
  }
}
