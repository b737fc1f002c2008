// getUpdates with real long polling. Only one poll may wait at a time: a newer one ends the older
// with Telegram's 409, as happens when two bot instances poll the same token.
import { z } from 'zod';
import { ApiError, type MethodContext, validate } from './context.ts';
import { intParam, jsonParam } from './params.ts';
import type { Update } from './state.ts';

const getUpdatesParams = z.looseObject({
  offset: intParam.optional(),
  limit: intParam.optional(),
  timeout: intParam.optional(),
  allowed_updates: jsonParam(z.array(z.string())).optional(),
});

const CONFLICT =
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';

export class LongPoll {
  private endWaiting: ((outcome: 'conflict' | 'closed') => void) | null = null;

  /** Whether a getUpdates call is being held open right now. */
  get waiting(): boolean {
    return this.endWaiting !== null;
  }

  /** Ends the waiting poll, if any (server shutdown). */
  closeAll(): void {
    this.endWaiting?.('closed');
  }

  getUpdates = async (ctx: MethodContext): Promise<Update[]> => {
    const params = validate(getUpdatesParams, ctx.params);
    this.endWaiting?.('conflict');
    if (params.allowed_updates !== undefined) ctx.state.allowedUpdates = params.allowed_updates;
    ctx.state.confirm(params.offset);
    const limit = Math.min(100, Math.max(1, params.limit ?? 100));
    const timeoutSeconds = Math.max(0, params.timeout ?? 0);

    const ready = ctx.state.deliverable(limit);
    if (ready.length > 0 || timeoutSeconds === 0) return ready;

    const outcome = await new Promise<'updates' | 'timeout' | 'conflict' | 'closed'>((resolve) => {
      const finish = (result: 'updates' | 'timeout' | 'conflict' | 'closed'): void => {
        clearTimeout(timer);
        unsubscribe();
        if (this.endWaiting === finish) this.endWaiting = null;
        resolve(result);
      };
      const timer = setTimeout(() => finish('timeout'), timeoutSeconds * 1000);
      const unsubscribe = ctx.state.onUpdate(() => {
        if (ctx.state.deliverable(limit).length > 0) finish('updates');
      });
      this.endWaiting = finish;
      void ctx.clientGone.then(() => finish('closed'));
    });
    if (outcome === 'conflict') throw new ApiError(409, CONFLICT);
    return ctx.state.deliverable(limit);
  };
}
