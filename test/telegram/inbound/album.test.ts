import { describe, expect, it } from 'vitest';
import { ALBUM_QUIET_MS, AlbumCollector } from '../../../src/telegram/inbound/album.ts';
import { ManualClock } from '../manual-clock.ts';

function collector() {
  const clock = new ManualClock();
  const albums: Array<{ id: string; items: number[] }> = [];
  const albumCollector = new AlbumCollector<number>((id, items) => albums.push({ id, items }), clock);
  return { clock, albums, albumCollector };
}

describe('album collector', () => {
  it('hands on the messages of a group once it has been quiet for the window, in order', () => {
    const { clock, albums, albumCollector } = collector();
    albumCollector.add('g1', 1);
    clock.advance(ALBUM_QUIET_MS - 1);
    albumCollector.add('g1', 2);
    clock.advance(ALBUM_QUIET_MS - 1);
    albumCollector.add('g1', 3);
    expect(albums).toEqual([]);
    clock.advance(ALBUM_QUIET_MS);
    expect(albums).toEqual([{ id: 'g1', items: [1, 2, 3] }]);
    expect(albumCollector.pending).toBe(0);
    expect(clock.pending()).toBe(0);
  });

  it('keeps groups apart, each on its own timer', () => {
    const { clock, albums, albumCollector } = collector();
    albumCollector.add('a', 1);
    clock.advance(400);
    albumCollector.add('a', 2);
    clock.advance(100);
    albumCollector.add('b', 10);
    clock.advance(ALBUM_QUIET_MS - 100);
    expect(albums).toEqual([{ id: 'a', items: [1, 2] }]);
    clock.advance(100);
    expect(albums).toEqual([
      { id: 'a', items: [1, 2] },
      { id: 'b', items: [10] },
    ]);
  });

  it('flushes everything at once when asked', () => {
    const { clock, albums, albumCollector } = collector();
    albumCollector.add('a', 1);
    albumCollector.add('b', 2);
    albumCollector.flushAll();
    expect(albums.map((album) => album.id)).toEqual(['a', 'b']);
    clock.advance(ALBUM_QUIET_MS * 2);
    expect(albums).toHaveLength(2);
  });
});
