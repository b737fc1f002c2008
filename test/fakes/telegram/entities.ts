// What Telegram does to entities after parsing (tdlib's fix_formatted_text), simplified to the cases
// a bot produces: formatting nested in code/pre and blockquotes nested in blockquotes are dropped
// silently (Telegram accepts such HTML), and the text is trimmed of spaces and newlines.
import { type EntityType, type MessageEntity, sortEntities } from './html.ts';

const SPLITTABLE = new Set<EntityType>(['bold', 'italic', 'underline', 'strikethrough', 'spoiler']);
const BLOCKQUOTES = new Set<EntityType>(['blockquote', 'expandable_blockquote']);
const PRE_LIKE = new Set<EntityType>(['code', 'pre']);

export function utf16Length(text: string): number {
  return text.length;
}

const end = (entity: MessageEntity): number => entity.offset + entity.length;

/** Keeps each entity only when it starts at or after the end of the last one kept. */
function removeIntersecting(entities: MessageEntity[]): MessageEntity[] {
  const kept: MessageEntity[] = [];
  let lastEnd = 0;
  for (const entity of entities) {
    if (entity.offset >= lastEnd) {
      kept.push(entity);
      lastEnd = end(entity);
    }
  }
  return kept;
}

/** Cuts the ranges covered by code/pre out of a formatting entity. */
function subtractRanges(entity: MessageEntity, holes: MessageEntity[]): MessageEntity[] {
  let pieces = [entity];
  for (const hole of holes) {
    pieces = pieces.flatMap((piece) => {
      if (end(hole) <= piece.offset || hole.offset >= end(piece)) return [piece];
      const parts: MessageEntity[] = [];
      if (hole.offset > piece.offset) parts.push({ ...piece, length: hole.offset - piece.offset });
      if (end(hole) < end(piece)) parts.push({ ...piece, offset: end(hole), length: end(piece) - end(hole) });
      return parts;
    });
  }
  return pieces;
}

function mergeSameType(entities: MessageEntity[]): MessageEntity[] {
  const merged: MessageEntity[] = [];
  for (const entity of [...entities].sort((a, b) => a.offset - b.offset)) {
    const previous = merged.findLast((candidate) => candidate.type === entity.type);
    if (previous && entity.offset <= end(previous)) {
      previous.length = Math.max(end(previous), end(entity)) - previous.offset;
    } else {
      merged.push({ ...entity });
    }
  }
  return merged;
}

export function fixEntities(entities: MessageEntity[]): MessageEntity[] {
  const sorted = sortEntities(entities.filter((entity) => entity.length > 0));
  const splittable = sorted.filter((entity) => SPLITTABLE.has(entity.type));
  const blockquotes = removeIntersecting(sorted.filter((entity) => BLOCKQUOTES.has(entity.type)));
  const continuous = removeIntersecting(
    sorted.filter((entity) => !SPLITTABLE.has(entity.type) && !BLOCKQUOTES.has(entity.type)),
  ).filter((entity) =>
    blockquotes.every(
      (quote) =>
        end(entity) <= quote.offset ||
        entity.offset >= end(quote) ||
        (entity.offset >= quote.offset && end(entity) <= end(quote)),
    ),
  );
  const holes = continuous.filter((entity) => PRE_LIKE.has(entity.type));
  const formatting = mergeSameType(splittable.flatMap((entity) => subtractRanges(entity, holes)));
  return sortEntities([...blockquotes, ...continuous, ...formatting]);
}

const isTrimmable = (char: string | undefined): boolean => char === ' ' || char === '\n';

/**
 * Right-trims always, left-trims up to the first entity (tdlib's rule), clipping entities to the
 * remaining text. Offsets are UTF-16 code units, which is what JavaScript string indices are.
 */
export function trimFormattedText(
  text: string,
  entities: MessageEntity[],
): { text: string; entities: MessageEntity[] } {
  let right = text.length;
  while (right > 0 && isTrimmable(text[right - 1])) right--;
  const firstEntity = entities.reduce((min, entity) => Math.min(min, entity.offset), right);
  let left = 0;
  while (left < firstEntity && isTrimmable(text[left])) left++;
  const clipped = entities
    .filter((entity) => entity.offset < right)
    .map((entity) => ({
      ...entity,
      offset: entity.offset - left,
      length: Math.min(end(entity), right) - entity.offset,
    }))
    .filter((entity) => entity.length > 0);
  return { text: text.slice(left, right), entities: sortEntities(clipped) };
}

/** `/command` and `/command@bot` at word boundaries, as Telegram marks them in incoming messages. */
export function findBotCommands(text: string): MessageEntity[] {
  const found: MessageEntity[] = [];
  const pattern = /(?<![\p{L}\p{N}_/<>])\/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![\p{L}\p{N}_/<>])/gu;
  for (const match of text.matchAll(pattern)) {
    found.push({ type: 'bot_command', offset: match.index, length: match[0].length });
  }
  return found;
}
