// Telegram delivers an album as separate messages sharing a `media_group_id`, with nothing marking
// the last one. The collector gathers them until the group has been quiet for a short window, then
// hands the whole batch on, in arrival order.

export interface AlbumTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Long enough for Telegram to deliver the rest of an album, short enough not to be felt. */
export const ALBUM_QUIET_MS = 800;

interface Pending<T> {
  items: T[];
  timer: unknown;
}

export class AlbumCollector<T> {
  private readonly groups = new Map<string, Pending<T>>();

  constructor(
    private readonly onAlbum: (mediaGroupId: string, items: T[]) => void,
    private readonly timers: AlbumTimers = {
      setTimeout,
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
    private readonly quietMs = ALBUM_QUIET_MS,
  ) {}

  add(mediaGroupId: string, item: T): void {
    const pending = this.groups.get(mediaGroupId) ?? { items: [], timer: undefined };
    this.timers.clearTimeout(pending.timer);
    pending.items.push(item);
    pending.timer = this.timers.setTimeout(() => this.flush(mediaGroupId), this.quietMs);
    this.groups.set(mediaGroupId, pending);
  }

  /** Albums still being collected. */
  get pending(): number {
    return this.groups.size;
  }

  /** Hands on every album now, e.g. before the bot stops. */
  flushAll(): void {
    for (const id of [...this.groups.keys()]) this.flush(id);
  }

  private flush(mediaGroupId: string): void {
    const pending = this.groups.get(mediaGroupId);
    if (!pending) return;
    this.timers.clearTimeout(pending.timer);
    this.groups.delete(mediaGroupId);
    this.onAlbum(mediaGroupId, pending.items);
  }
}
