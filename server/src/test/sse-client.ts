/** One frame of a Server-Sent Events stream as a test sees it. */
export interface SseFrame {
  /** The `event:` name; 'comment' for a `: …` line, 'retry' for a retry line. */
  event: string;
  /** The parsed JSON of `data:` (comments and retries: the raw text). */
  data: unknown;
}

export interface SseClient {
  status: number;
  headers: Headers;
  frames: SseFrame[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Resolves with the first frame (after the ones already consumed by `next`) that matches. */
  next(predicate: (frame: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  close(): void;
}

/** Opens a real HTTP event stream with fetch and parses its frames as they arrive (inject() cannot stream). */
export async function openEventStream(url: string, headers: Record<string, string>): Promise<SseClient> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const frames: SseFrame[] = [];
  const waiters = new Set<() => void>();
  let consumed = 0;
  let ended: Promise<void> = Promise.resolve();

  if (response.ok && response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    ended = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            for (const frame of parseBlock(block)) frames.push(frame);
            for (const wake of waiters) wake();
          }
        }
      } catch {
        // aborted
      }
    })();
  }

  return {
    status: response.status,
    headers: response.headers,
    frames,
    ended,
    async next(predicate, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        for (let i = consumed; i < frames.length; i++) {
          if (predicate(frames[i]!)) {
            consumed = i + 1;
            return frames[i]!;
          }
        }
        const left = until - Date.now();
        if (left <= 0)
          throw new Error(`No matching event-stream frame within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(consumed))}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, left);
          function done() {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          }
          waiters.add(done);
        });
      }
    },
    close() {
      controller.abort();
    },
  };
}

function parseBlock(block: string): SseFrame[] {
  const frames: SseFrame[] = [];
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) frames.push({ event: 'comment', data: line.slice(1).trim() });
    else if (line.startsWith('retry:')) frames.push({ event: 'retry', data: line.slice(6).trim() });
    else if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length) frames.push({ event, data: JSON.parse(data.join('\n')) });
  return frames;
}
