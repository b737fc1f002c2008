export { lastUserText, type ParsedRequest, toolResultsOf } from './request.ts';
export { echoScript, longMarkdownAnswer } from './scripts.ts';
export { type FakeAnthropic, type FakeAnthropicOptions, startFakeAnthropic } from './server.ts';
export type { ErrorStatus, ModelReply, ModelTurn, RecordedRequest, Script, ToolResult } from './types.ts';
