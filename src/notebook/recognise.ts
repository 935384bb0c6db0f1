/**
 * Whether an output holds an AWS denial, decided in the browser only to offer the button: the
 * server reads and explains the message (`POST explain-denial`).
 */
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

/** The MIME type of the kernel's denial output (see docs/notebook.md). */
export const DENIAL_MIME = 'application/vnd.studio-abac.denial+json';

/** The output MIME types whose renderers are wrapped to offer the button. */
export const WRAPPED_MIME_TYPES = [
  'application/vnd.jupyter.stderr',
  'text/plain',
  'text/html'
] as const;

/** The most text of an output sent to the server (its `message` limit is 32768). */
export const MAX_MESSAGE = 32000;

// ANSI escapes (colours of IPython's and rich's tracebacks).
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g;
const TAGS = /<[^>]*>/g;
/**
 * AWS's denial as boto3, the AWS CLI and the SDKs print it: a denial code in boto3's wrapping,
 * IAM's "is not authorized to perform:", EC2's encoded message.
 */
const DENIAL =
  /An error occurred \((AccessDenied\w*|UnauthorizedOperation|AuthorizationError)\)|\bis\s+not\s+authorized\s+to\s+perform:|Encoded authorization failure message:/;

/** The denial's data as the kernel emits it under a traceback. */
export interface IDenialData {
  operation: string;
  service: string;
  action: string;
  resource: string;
  requestTags: Record<string, string>;
  message: string;
  code: string;
}

/** Text as a terminal shows it: without ANSI colours (and without HTML tags, for text/html). */
export function plainText(text: string, html = false): string {
  const plain = text.replace(ANSI, '');
  if (!html) {
    return plain;
  }
  return plain
    .replace(TAGS, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function asText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.filter(v => typeof v === 'string').join('');
  }
  return '';
}

/**
 * The text of an output as the renderer of `mimeType` shows it: an error's `ename: evalue` and
 * traceback, a stream's text, a display's text/plain (or its text/html without tags).
 */
export function outputText(
  data: ReadonlyPartialJSONObject,
  mimeType: string
): string {
  const error = data['application/vnd.jupyter.error'];
  if (error && typeof error === 'object' && !Array.isArray(error)) {
    const e = error as ReadonlyPartialJSONObject;
    const traceback = Array.isArray(e.traceback)
      ? e.traceback.filter(t => typeof t === 'string').join('\n')
      : '';
    // the evalue holds AWS's message whole; the traceback holds the wrapping errors
    return plainText(`${traceback}\n${asText(e.ename)}: ${asText(e.evalue)}`);
  }
  if (mimeType === 'text/html') {
    const plain = data['text/plain'];
    return plain !== undefined
      ? plainText(asText(plain))
      : plainText(asText(data['text/html']), true);
  }
  return plainText(asText(data[mimeType]));
}

/**
 * The part of `text` to send to the server when it holds an AWS denial, else null: all of it
 * when short, else the tail from a little before the last denial (a traceback ends with it).
 */
export function denialText(text: string): string | null {
  const match = DENIAL.exec(text);
  if (!match) {
    return null;
  }
  if (text.length <= MAX_MESSAGE) {
    return text;
  }
  let last = match.index;
  const every = new RegExp(DENIAL.source, 'g');
  for (let m = every.exec(text); m; m = every.exec(text)) {
    last = m.index;
  }
  const start = Math.max(0, Math.min(last - 2000, text.length - MAX_MESSAGE));
  return text.slice(start, start + MAX_MESSAGE);
}

/** The kernel's denial output, checked: every key present with its type, or null. */
export function denialData(value: unknown): IDenialData | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return null;
  }
  const data = value as Record<string, unknown>;
  const keys = [
    'operation',
    'service',
    'action',
    'resource',
    'message',
    'code'
  ] as const;
  if (!keys.every(k => typeof data[k] === 'string')) {
    return null;
  }
  const tags = data.requestTags;
  const requestTags: Record<string, string> = {};
  if (tags && typeof tags === 'object' && !Array.isArray(tags)) {
    for (const [k, v] of Object.entries(tags)) {
      if (typeof v === 'string') {
        requestTags[k] = v;
      }
    }
  }
  return {
    operation: data.operation as string,
    service: data.service as string,
    action: data.action as string,
    resource: data.resource as string,
    message: data.message as string,
    code: data.code as string,
    requestTags
  };
}
