// Answers shaped like the ones Claude Code really gives, used as inputs across the render tests.

export const debuggingAnswer = `## Why the build fails

The error comes from \`src/config.ts\`: the type \`Map<string, Array<number>>\` is fine, but
\`parse_env_file\` returns \`undefined\` when the file is missing & the caller doesn't check.

**Fix**: guard the call *before* using the result:

\`\`\`typescript
const values = parse_env_file(path);
if (values === undefined || values.size < 1) {
  throw new Error(\`missing <\${path}> & no defaults\`);
}
\`\`\`

Then run \`npm test\` again. See [the docs](https://nodejs.org/api/fs.html?lang=en&v=20#fspromisesreadfile) for details.
`;

export const planAnswer = `# Migration plan

1. **Back up** the database
   - run \`pg_dump\` on *db-1*
   - copy the dump to \`/mnt/backup\`
2. Stop the services:
   \`\`\`bash
   systemctl stop app.service && systemctl stop worker.service
   \`\`\`
3. Upgrade, then check:
   - [x] PostgreSQL 16 installed
   - [ ] extensions rebuilt
     - pg_stat_statements
     - postgis

> **Note:** the upgrade takes ~10 minutes; keep the old cluster until
> you've verified the data.

---

| Host | Role | Disk used |
|:-----|:----:|----------:|
| db-1 | primary | 81 % |
| db-2 | replica | 79 % |
| backup-nas | \`pbs\` | 12 % |
`;

export const lookalikeAnswer = `Use a lone * as a wildcard, e.g. ls *.ts, and keep snake_case_names like max_retry_count or __init__.
Remember that 2 < 3 and 5 > 4, so if (a<b && b>c) holds, x = y * z * w.
Plain HTML is shown as text: <div class="x">hi</div> and &amp; stays literal, as does &lt;.
Prices: $5 ~ $6, ~10 minutes, a_b_c, 3*4*5 = 60, **unclosed bold and an \`unclosed code span.`;

export const emojiAnswer = `🚀 **Deployed!** All 3 services are up ✅

- 🐳 \`docker\`: healthy 💚
- 🗄️ *postgres*: 𝒸𝓊𝓇𝓈𝒾𝓋𝑒 and 𝕕𝕠𝕦𝕓𝕝𝕖 letters, 家族 👨‍👩‍👧‍👦
`;
