import { createClaudeSession } from '../claude/process.ts';
import { KILL_GRACE_MS } from '../claude/spawn.ts';
import { bridgeSessionOptions } from '../claude/tools/bridge.ts';
import type { Settings } from '../config/settings.ts';
import type { Logger } from '../logging.ts';
import type { StartProcess } from '../sessions/live-processes.ts';
import type { SessionModes } from '../sessions/modes.ts';
import type { ChildRegistry } from '../state/children.ts';
import type { Bot } from '../telegram/bot.ts';
import { type AskerDeps, permissionAsker } from '../telegram/cards/asker.ts';
import { chatFileSender } from '../telegram/outbound/send-file.ts';

export interface ClaudeProcessDeps {
  settings: Settings;
  api: Bot['api'];
  modes: SessionModes;
  children: ChildRegistry;
  asker: AskerDeps;
  logger: Logger;
}

/** How a session's Claude Code process is started: its metadata and persona → a ClaudeSession. */
export function claudeProcessStarter(deps: ClaudeProcessDeps): StartProcess {
  const { settings, api, modes, children, logger } = deps;
  return ({ session, persona, chatOf }) => {
    const name = session.metadata.name;
    const bridge = bridgeSessionOptions({
      sessionDir: session.dir,
      sendFile: (file) => chatFileSender(api, Number(chatOf()), logger)(file),
    });
    const claude = createClaudeSession({
      cwd: session.dir,
      resume: session.metadata.claude_session_id ?? undefined,
      costBaselineUsd: session.metadata.usage?.last_total_cost_usd,
      personaPrompt: persona.system_prompt,
      model: session.metadata.model_override ?? persona.settings.model,
      maxTurns: persona.settings.max_turns,
      permissionMode: modes.startingMode(session.metadata.permission_mode, persona.settings.permission_mode),
      // Files out (issue 11): send_file delivers to the chat whose message is being answered.
      ...bridge,
      allowedTools: session.metadata.allowed_tools ?? [],
      env: settings.passthroughEnv,
      claudePath: settings.claudePath,
      killGraceMs: KILL_GRACE_MS,
      onSpawned: (handle) => void children.track(handle, name),
      askPermission: permissionAsker(deps.asker, name, () => Number(chatOf())),
      logger: logger.child({ session: name }),
    });
    modes.attach(name, claude);
    return claude;
  };
}
