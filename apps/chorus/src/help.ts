/** `chorus --help`. */
export const MAIN_HELP = `chorus: realtime multi-agent voice rooms

Usage:
  chorus serve [--port 8787] [--host 127.0.0.1] [--model local] [--allow-origin <origin>]
               [--twilio-auth-token <token>] [--resume-grace <seconds>]
  chorus say "What's the weather in Paris?" [--room assistant] [--out reply.wav] [--model local]
  chorus room <file.ts|file.json> [--model local]
  chorus speech install | status

Commands:
  serve   run the gateway with the demo rooms, the playground and the inspector
  say     run one turn in the terminal and write the spoken reply as WAV
  room    talk to a room defined in a TypeScript or JSON file, one line at a time
  speech  install the local model's speech recognition (Moonshine), or show what is installed

Models (--model, or the CHORUS_MODEL variable):
  local                  the embedded model: no key, no network (default)
  openai[:gpt-realtime]  needs OPENAI_API_KEY
  gemini[:<model>]       needs GEMINI_API_KEY
  dashscope[:<model>]    needs DASHSCOPE_API_KEY
  Without its key, a provider falls back to the local model, with a notice.

Run "chorus <command> --help" for the options of a command.
`;

export const SERVE_HELP = `Usage: chorus serve [options]

Runs the Chorus gateway with the demo rooms: assistant (default; weather, appointments, billing
handoff), two-agents, streaming-chat.

  ws://HOST:PORT/ws/<user>/<session>   the Chorus protocol
  ws://HOST:PORT/v1/realtime           OpenAI Realtime (official clients work)
  http://HOST:PORT/playground/         talk to a room (when apps/playground is built)
  http://HOST:PORT/inspector/          watch every actor (when apps/inspector is built)
  POST http://HOST:PORT/twilio/voice   a Twilio number's voice webhook: the call joins a room
  ws://HOST:PORT/twilio/media-stream   the call's audio (Twilio Media Streams)

Options:
  --port <n>      port to listen on (default 8787, or the PORT variable)
  --host <addr>   address to listen on (default 127.0.0.1; another one needs CHORUS_API_KEYS)
  --model <spec>  local, openai:<model>, gemini:<model> or dashscope:<model> (default local)
  --allow-origin <origin>
                  let web pages from this origin connect (e.g. https://app.example; repeat or
                  separate with commas; * for any)
  --twilio-auth-token <token>
                  check Twilio's X-Twilio-Signature on phone calls (or set TWILIO_AUTH_TOKEN,
                  which keeps the token out of the process list); without it, phone calls are
                  served only without CHORUS_API_KEYS and only to this machine
  --bus <url>     share rooms with every gateway on this Redis (redis://HOST:PORT): users of
                  different processes or machines who name the same config.room are together
  --bus-lease-ms <n>
                  how long a shared room's owner lease lasts (default 5000): a dead owner's
                  rooms move to another gateway within this time
  --workers <n>   run n gateway processes sharing the port (needs --bus), to use every core
  --resume-grace <seconds>
                  how long a session whose connection dropped waits for its client to resume it
                  (default 60; 0 turns resumption off)
  -h, --help      show this help

Without CHORUS_API_KEYS, only connections from this machine are let in, and of web pages only
those served from this machine (http://localhost:..., http://127.0.0.1:...) unless --allow-origin
names others. Ctrl+C (or SIGTERM) ends
every session with server_session_ended{reason:"shutdown"} and exits within 5 seconds.
`;

export const SAY_HELP = `Usage: chorus say <text> [options]

Runs one turn in the terminal: the reply streamed as it is spoken, tool calls (with a spinner while
they run) and their results, handoffs, and timing figures.

Options:
  --room <name>   assistant (default), two-agents or streaming-chat
  --out <file>    write the spoken reply as a WAV file
  --model <spec>  local, openai:<model>, gemini:<model> or dashscope:<model> (default local)
  --speed <x>     playback speed of the local model (default 1, real time)
  -h, --help      show this help

Example:
  chorus say "What's the weather in Paris?" --out reply.wav
`;

export const ROOM_HELP = `Usage: chorus room <file> [options]

Runs the room defined in <file> and reads what you say from stdin, one line per turn (/quit or
Ctrl+D to leave). Lines can be piped in: echo "hello" | chorus room my-room.json

A TypeScript file exports (default, or as "room") a ChatRoom or RealtimeAgent, or a function
({ model }) => room that builds one with the model chosen by --model.

A JSON file lists agents, each with instructions and the rules the local model answers with:
  {
    "floor": "mention",
    "agents": [
      { "name": "Ava", "instructions": "You greet people.",
        "rules": {
          "intents": [
            { "match": ["hello", "hi"], "reply": "Hello! I'm Ava." },
            { "match": { "pattern": "my name is (?<name>\\\\w+)" }, "reply": "Nice to meet you, {name}." },
            { "match": ["joke"], "reply": "Max tells the jokes.", "handoff": "Max" }
          ],
          "fallback": "Sorry, I only say hello." } },
      { "name": "Max", "instructions": "You tell jokes.",
        "rules": { "intents": [ { "match": ["joke"], "reply": "I told a joke once. Nobody laughed." } ] } }
    ]
  }
  floor: free (default; every agent answers), roundRobin or mention (the agent named answers).

Options:
  --model <spec>  local, openai:<model>, gemini:<model> or dashscope:<model> (default local)
  --speed <x>     playback speed of the local model (default 1, real time)
  -h, --help      show this help
`;

/** `chorus speech --help`. */
export const SPEECH_HELP = `Usage: chorus speech install | status

The local model hears spoken turns with Moonshine tiny (an MIT speech recognition model run with
onnxruntime-web, no network at run time), with pocketsphinx from the system for the rooms' requests
when that is installed too (sudo apt-get install pocketsphinx pocketsphinx-en-us).

  install   fetch Moonshine's model files through npm (npm pack of @usefulsensors/moonshine-js,
            a 69 MB download of which the two model files, 28 MB in all, are kept) and check them by SHA-256
  status    what will recognise speech here (the default action)

The files go to $CHORUS_MOONSHINE_MODEL when it is set (set it for chorus serve as well), else to
$XDG_CACHE_HOME/chorus/moonshine-tiny-<version>, else ~/.cache/chorus/moonshine-tiny-<version>.
`;
