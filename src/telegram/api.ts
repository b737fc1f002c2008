// The bot's Telegram api configuration, the same in production and in the delivery tests.
import { autoRetry } from '@grammyjs/auto-retry';
import type { Api, ApiClientOptions, Transformer } from 'grammy';
import type { Logger } from '../logging.ts';
import { type FloodLimits, paceFloodLimits, TELEGRAM_FLOOD_LIMITS } from './flood-pacing.ts';
import { type RetryDeps, retryFailedCalls } from './retry.ts';

/**
 * How long one request may take before it counts as failed (and retry.ts decides what next): longer
 * than getUpdates' 30 s long poll, short enough that a connection that died silently is noticed.
 */
const REQUEST_TIMEOUT_SECONDS = 60;

export interface ApiOptions {
  logger: Logger;
  /** Tests shorten the waits between retries; production uses retry.ts's defaults. */
  retry?: Omit<RetryDeps, 'logger'>;
  /** The flood limits calls are paced to (default Telegram's, flood-pacing.ts); false: none. */
  floodLimits?: FloodLimits | false;
}

export function apiClientOptions(apiRoot: string): ApiClientOptions {
  return { apiRoot, timeoutSeconds: REQUEST_TIMEOUT_SECONDS };
}

/**
 * Installs the transformers every call goes through, innermost first (each `use` wraps the ones
 * before it): flood-pacing.ts holds each send until Telegram's flood limits allow it (a retry too),
 * auto-retry waits out flood control alone (a 429's retry_after up to 30 s, at most 3
 * times; network errors and 5xx pass through to the next layer), retry.ts retries dropped connections
 * and 5xx with its bounds, and getUpdates is deferred past the handling of the batch in hand.
 */
export function configureApi(api: Api, options: ApiOptions): Api {
  if (options.floodLimits !== false)
    api.config.use(paceFloodLimits(options.floodLimits ?? TELEGRAM_FLOOD_LIMITS));
  api.config.use(
    autoRetry({
      maxRetryAttempts: 3,
      maxDelaySeconds: 30,
      rethrowHttpErrors: true,
      rethrowInternalServerErrors: true,
    }),
  );
  api.config.use(retryFailedCalls({ logger: options.logger, ...options.retry }));
  api.config.use(pollAfterHandling);
  return api;
}

/**
 * The runner asks for the next batch of updates the moment a batch arrives, and building that
 * request (about half a millisecond) would run in the middle of handling the batch. Deferring it
 * to the next turn of the event loop lets a message reach Claude first; the long poll loses nothing.
 */
export const pollAfterHandling: Transformer = async (prev, method, payload, signal) => {
  if (method === 'getUpdates') await new Promise<void>((resolve) => setImmediate(resolve));
  return prev(method, payload, signal);
};
