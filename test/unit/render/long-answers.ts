// Long answers and GFM examples for the corpus test: what Claude writes, in several scripts.

/** GFM's extensions (tables, strikethrough, autolinks, task lists, footnotes) in the forms the GFM spec shows. */
export const GFM_EXAMPLES = [
  '| foo | bar |\n| --- | --- |\n| baz | bim |',
  '| abc | defghi |\n:-: | -----------:\nbar | baz',
  '| f\\|oo  |\n| ------ |\n| b `\\|` az |\n| b **\\|** im |',
  '| abc | def |\n| --- | --- |\n| bar | baz |\n> bar',
  '| abc | def |\n| --- | --- |\n| bar | baz |\nbar\n\nbar',
  '| abc | def |\n| --- |\n| bar |',
  '| abc | def |\n| --- | --- |\n| bar |\n| bar | baz | boo |',
  '| abc | def |\n| --- | --- |',
  '- [ ] foo\n- [x] bar',
  '- [x] foo\n  - [ ] bar\n  - [x] baz\n- [ ] bim',
  '~~Hi~~ Hello, ~there~ world!',
  'This ~~has a\n\nnew paragraph~~.',
  'www.commonmark.org/help and https://www.commonmark.org/a.b.',
  'Visit https://encrypted.google.com/search?q=Markup+(business))',
  '(Visit https://en.wikipedia.org/wiki/Markdown)',
  'foo@bar.baz and mailto:foo@bar.baz, ftp://files.example.com/x',
  '<strong> <title> <style> <em>\n\n<blockquote>\n  <xmp> is disallowed.  <XMP> is also disallowed.\n</blockquote>',
  "Here is a footnote reference,[^1] and another.[^longnote]\n\n[^1]: Here is the footnote.\n\n[^longnote]: Here's one with multiple blocks.\n\n    Subsequent paragraphs are indented.",
  'Inline footnote^[with *text*] here.',
];

const SCRIPTS = [
  'The deploy finished; 3 services restarted cleanly and the backup verified.',
  '部署已完成，三个服务已重新启动，备份已验证。数据库迁移耗时十二分钟。',
  'اكتمل النشر وأعيد تشغيل ثلاث خدمات بنجاح وتم التحقق من النسخة الاحتياطية.',
  'הפריסה הסתיימה, שלושה שירותים הופעלו מחדש והגיבוי אומת.',
  'Emoji check 🚀✅👨‍👩‍👧‍👦 and astral letters 𝕕𝕠𝕦𝕓𝕝𝕖 𝒸𝓊𝓇𝓈𝒾𝓋𝑒 side by side 😀😀😀.',
];

/** A long answer of `sections` sections mixing every construct Claude uses and several scripts. */
export function longAnswer(sections: number): string {
  const parts: string[] = [];
  for (let n = 0; n < sections; n++) {
    const script = SCRIPTS[n % SCRIPTS.length] as string;
    parts.push(`## ${n + 1}. ${script.slice(0, 24)}`);
    parts.push(
      `${script} **${script.slice(0, 12)}** and \`code_${n}\`, see [run ${n}](https://ci.example.com/r/${n}?a=1&b=2) or https://example.com/${n}_x.[^n${n}]`,
    );
    parts.push(
      `- top ${n}\n  - nested ${script.slice(0, 10)}\n    1. deep *one*\n    2. deep ~~two~~\n- [x] done ${n}\n- [ ] todo ${n}`,
    );
    const language = ['ts', 'sh', 'python'][n % 3] as string;
    const lines = Array.from(
      { length: 8 + (n % 5) * 20 },
      (_, line) => `line_${n}_${line} = "<${script.slice(0, 6)}>" & x`,
    );
    parts.push(`\`\`\`${language}\n${lines.join('\n')}\n\`\`\``);
    parts.push(`> ${script}\n> continued *quote* ${n}`);
    parts.push(
      n % 2 === 0
        ? `| Host | Disk |\n|:--|--:|\n| db-${n} | ${n} % |\n| 家-${n} | 😀 |`
        : `| Service | Host | Status | Notes |\n|---|---|---|---|\n| svc-${n} | host-${n}.lan | running | ${script.slice(0, 30)} |`,
    );
    parts.push(`[^n${n}]: Footnote ${n}: ${script.slice(0, 20)}`);
  }
  return parts.join('\n\n');
}
