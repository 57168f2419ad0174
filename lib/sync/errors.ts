// Sync failures, each with a message a clinician or practice manager can act on.

export type SyncErrorCode =
  | 'insecure-url'
  | 'network'
  | 'timeout'
  | 'http-status'
  | 'too-large'
  | 'not-json'
  | 'invalid-feed'
  | 'older-sequence'
  | 'same-sequence-changed'
  | 'sequence-jump'
  | 'bad-signature'
  | 'storage';

export class SyncError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

export function httpStatusMessage(status: number): string {
  if (status === 404 || status === 410) return `The feed was not found at this address (HTTP ${status}). Check the link with whoever publishes it.`;
  if (status === 401 || status === 403) return `The feed's server refused access (HTTP ${status}). It may need to be published where colleagues can reach it.`;
  if (status >= 500) return `The feed's server had a problem (HTTP ${status}). Signpost will try again later.`;
  return `The feed's server answered with HTTP ${status}, not the feed.`;
}

export function bytesLabel(bytes: number): string {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
