import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, ERROR_STATUS } from './app-error.js';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

function fieldOf(issue: ValidationIssue): string {
  const path = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty;
  return [path, extra].filter(Boolean).join('.') || '(body)';
}

/** One error shape for the whole API: {error: {code, message, details, requestId}}. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const requestId = request.id;
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers);
      return reply
        .status(error.statusCode)
        .send({ error: { code: error.code, message: error.message, details: error.details, requestId } });
    }
    const fastifyError = error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
    if (fastifyError.validation) {
      const fields = fastifyError.validation.map((issue) => ({ field: fieldOf(issue), message: issue.message ?? 'is invalid' }));
      const first = fields[0];
      const where =
        fastifyError.validationContext && fastifyError.validationContext !== 'body' ? ` (${fastifyError.validationContext})` : '';
      return reply.status(400).send({
        error: {
          code: 'validation_failed',
          message: first ? `${first.field}${where}: ${first.message}` : 'The request is not valid.',
          details: { fields },
          requestId,
        },
      });
    }
    switch (fastifyError.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.status(400).send({ error: { code: 'invalid_json', message: 'The request body is not valid JSON.', requestId } });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.status(413).send({ error: { code: 'payload_too_large', message: 'The request body is too large.', requestId } });
      case 'FST_REQ_FILE_TOO_LARGE':
        return reply
          .status(413)
          .send({ error: { code: 'file_too_large', message: 'The file is too large.', details: { field: 'file' }, requestId } });
      case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
        return reply
          .status(415)
          .send({ error: { code: 'unsupported_media_type', message: 'Send the file as multipart/form-data.', requestId } });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply
          .status(415)
          .send({ error: { code: 'unsupported_media_type', message: 'Send the body as application/json.', requestId } });
    }
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      const code = fastifyError.statusCode === 404 ? 'not_found' : fastifyError.statusCode === 429 ? 'rate_limited' : 'bad_request';
      return reply.status(fastifyError.statusCode).send({ error: { code, message: fastifyError.message, requestId } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(ERROR_STATUS.internal).send({
      error: { code: 'internal', message: 'Something went wrong on our side. The error has been logged.', requestId },
    });
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.`, requestId: request.id } }),
  );
}
