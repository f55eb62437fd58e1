import { randomUUID } from 'node:crypto';
import { type ClientEventInput, serverEventSchema } from '@chorus/protocol';
import WebSocket from 'ws';

// One typed turn against the running gateway (`npm start` first):
//   npm run ask -- "What's the weather in Paris?"
// It prints what the agents say and the tools they call, and leaves once the room is quiet.
const text = process.argv.slice(2).join(' ').trim() || "What's the weather in Paris?";
const url = process.env.CHORUS_URL ?? 'ws://127.0.0.1:8787';
const sessionId = randomUUID();
const socket = new WebSocket(`${url}/ws/me/${sessionId}`);
const send = (event: ClientEventInput) => socket.send(JSON.stringify(event));

let quiet: NodeJS.Timeout | undefined;
const leaveWhenQuiet = () => {
  clearTimeout(quiet);
  quiet = setTimeout(() => {
    send({ type: 'client_session_end', session_id: sessionId });
    socket.close();
  }, 1000);
};

socket.on('open', () => send({ type: 'client_session_create', config: { user_name: 'me' } }));
socket.on('message', (data, isBinary) => {
  if (isBinary) return;
  const parsed = serverEventSchema.safeParse(JSON.parse(data.toString()));
  if (!parsed.success) return; // an event this version does not know yet
  const event = parsed.data;
  if (quiet) leaveWhenQuiet();
  switch (event.type) {
    case 'server_session_created':
      console.log(`you: ${text}`);
      // Typed text is a whole turn: the room answers it without a client_response_create.
      send({ type: 'client_text_append', session_id: sessionId, text });
      break;
    case 'agent_response_tool_use_done':
      console.log(
        `  (${event.agent_name} calls ${event.tool_use.name} ${JSON.stringify(event.tool_use.input)})`,
      );
      break;
    case 'agent_response_audio_transcript_done':
    case 'agent_response_text_done':
      console.log(`${event.agent_name}: ${'transcript' in event ? event.transcript : event.text}`);
      break;
    case 'agent_response_done':
      leaveWhenQuiet();
      break;
    case 'server_error':
    case 'agent_error':
      console.error(`error: ${event.message}`);
      process.exitCode = 1;
      break;
  }
});
socket.on('error', (error) => {
  console.error(`error: cannot reach the gateway at ${url} (${error.message}); is "npm start" running?`);
  process.exitCode = 1;
});
