import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { AppError, badRequest } from '../http/app-error.js';
import { SNIFF_BYTES } from './sniff.js';

/**
 * Multipart uploads for the whole app (files, imports…): one plugin, one size
 * limit (FILE_MAX_BYTES), one file per request.
 */
export async function registerMultipart(app: FastifyInstance, config: Pick<Config, 'fileMaxBytes'>): Promise<void> {
  await app.register(multipart, {
    limits: { fileSize: config.fileMaxBytes, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 25, headerPairs: 200 },
  });
}

export const fileTooLarge = (maxBytes: number) =>
  new AppError('file_too_large', `The file is larger than the ${formatBytes(maxBytes)} allowed.`, { field: 'file', maxBytes });

const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KB` : `${bytes} bytes`;

/** An upload written to a temporary file, with what was learnt on the way. */
export interface SpooledFile {
  path: string;
  size: number;
  sha256: string;
  /** The first bytes, for the content type check. */
  head: Buffer;
  /** Removes the temporary file. */
  discard(): Promise<void>;
}

/**
 * Streams an upload to a temporary file under `dir`, hashing and counting as
 * it goes (memory stays flat). More than `maxBytes` — or a stream the
 * multipart parser cut at its limit — is a 413 file_too_large, and the
 * partial file is removed.
 */
export async function spoolUpload(stream: Readable, options: { dir: string; maxBytes: number }): Promise<SpooledFile> {
  await fs.promises.mkdir(options.dir, { recursive: true });
  const file = path.join(options.dir, `upload-${crypto.randomBytes(12).toString('hex')}`);
  const hash = crypto.createHash('sha256');
  const headChunks: Buffer[] = [];
  let headSize = 0;
  let size = 0;
  let cut = false;
  const onLimit = () => (cut = true);
  stream.on('limit', onLimit);
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > options.maxBytes) return callback(fileTooLarge(options.maxBytes));
      if (headSize < SNIFF_BYTES) {
        headChunks.push(chunk.subarray(0, SNIFF_BYTES - headSize));
        headSize += Math.min(chunk.length, SNIFF_BYTES - headSize);
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const discard = () => fs.promises.rm(file, { force: true });
  try {
    await pipeline(stream, meter, fs.createWriteStream(file, { flags: 'wx' }));
    if (cut || (stream as Readable & { truncated?: boolean }).truncated) throw fileTooLarge(options.maxBytes);
  } catch (error) {
    await discard();
    // Let the rest of the request go by, so that the answer can be sent.
    if (!stream.destroyed) stream.resume();
    throw error;
  } finally {
    stream.off('limit', onLimit);
  }
  return { path: file, size, sha256: hash.digest('hex'), head: Buffer.concat(headChunks), discard };
}

/** The one `file` part of a multipart request: its stream, name and declared type, and the text fields sent before it. */
export async function receiveFilePart(request: FastifyRequest) {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data, in a part named file.');
  const part = await request.file();
  if (!part) throw badRequest('Send the file in a part named file.', 'file');
  if (part.fieldname !== 'file') {
    part.file.resume();
    throw badRequest(`Send the file in a part named file, not ${part.fieldname}.`, 'file');
  }
  const fields: Record<string, string> = {};
  for (const [name, field] of Object.entries(part.fields)) {
    const value = Array.isArray(field) ? field[0] : field;
    if (value && value.type === 'field' && typeof value.value === 'string') fields[name] = value.value;
  }
  return { stream: part.file, name: part.filename, declaredType: part.mimetype, fields };
}
