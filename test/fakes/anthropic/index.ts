export {
  type ImageBlock,
  lastUserImages,
  lastUserText,
  type ParsedRequest,
  toolResultsOf,
} from './request.ts';
export { echoScript, longMarkdownAnswer, SEND_FILE_TOOL, sendsFile } from './scripts.ts';
export { type FakeAnthropic, type FakeAnthropicOptions, startFakeAnthropic } from './server.ts';
export type { ErrorStatus, ModelReply, ModelTurn, RecordedRequest, Script, ToolResult } from './types.ts';
