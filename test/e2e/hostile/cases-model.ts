// What the model may answer: Markdown that has broken renderers, and a whole megabyte.
import { expect } from 'vitest';
import { MEGABYTE_ANSWER, PATHOLOGICAL_MARKDOWN } from './model.ts';
import type { CaseGroup, HostileCase } from './probe.ts';

const markdownCase = ([label, markdown]: [string, string]): HostileCase => {
  const mark = /MARK-\w+/.exec(markdown)?.[0] ?? '';
  return {
    name: `the model answers ${label}`,
    input: (p) => p.owner(`answer ${label}`),
    // The mark ends each answer: seeing it means the whole answer arrived (in messages or a file).
    expect: {
      reply: (message) =>
        message.text.includes(mark) || (message.document?.bytes.toString('utf8').includes(mark) ?? false),
    },
    after: (_, messages) => {
      // A split never cuts a surrogate pair (a NUL from the model may show as U+FFFD: it is made visible).
      if (!markdown.includes('\u0000'))
        for (const message of messages) expect(message.text).not.toContain('\ufffd');
    },
    timeoutMs: 40_000,
  };
};

export const modelGroups: CaseGroup[] = [
  {
    name: 'pathological Markdown and a 1 MB answer from the model',
    cases: [
      ...Object.entries(PATHOLOGICAL_MARKDOWN).map(markdownCase),
      {
        name: 'the model answers 1 MB',
        input: (p) => p.owner('answer a megabyte'),
        expect: { reply: (message) => message.document !== undefined },
        after: (_, messages) => {
          const file = messages.find((message) => message.document)?.document;
          expect(file?.bytes.toString('utf8')).toBe(MEGABYTE_ANSWER);
          expect(messages.find((message) => message.document)?.text).toBe(
            `The full answer (${MEGABYTE_ANSWER.length} characters) is in the attached file.`,
          );
        },
        timeoutMs: 60_000,
      },
    ],
  },
];
