export * from './adapter-harness/index.js';
export * from './compat/index.js';
export * from './dashscope/index.js';
export * from './gemini/index.js';
export * from './openai/index.js';
export * from './twilio/index.js';
