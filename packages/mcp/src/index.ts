export { MCPServerStreamableHttp, type MCPServerStreamableHttpOptions } from './http-server.js';
export { MCPServer, type MCPServerState } from './mcp-server.js';
export { modelToolName } from './mcp-tools.js';
export {
  DEFAULT_MCP_LIMITS,
  type MCPApproval,
  type MCPLimits,
  type MCPServerOptions,
  type MCPToolFilter,
} from './options.js';
export { cutToBytes, resultText } from './result-text.js';
export { MCPServerStdio, type MCPServerStdioOptions } from './stdio-server.js';
