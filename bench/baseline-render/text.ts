/** Unchanged by the parser's replacement: the old renderer used exactly this module. */
export * from '../../src/telegram/render/text.ts';
