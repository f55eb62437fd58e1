import { ChatRoom, type FloorPolicy, mentionFloor, RealtimeAgent } from '@chorus/core';
import { rulesBrain } from '@chorus/local';
import { localModels, type ScenarioOptions, scenarioVoice } from './model-factory.js';
import { isMainModule, runScenario } from './run-scenario.js';
import { getWeather, voiceAssistantToolReply } from './voice-assistant.js';
import { cityName, findCity, KNOWN_CITIES } from './weather.js';

// Seed 001: AgentScope's ChatRoom with two realtime agents and one user. Here the agents are named
// (so a user, or the other agent, can address one), and they talk to each other: Max passes weather
// questions to Ava, Ava passes jokes to Max.

const WEATHER =
  /\bweather\b.*?\b(?:in|for|at)\s+(?<city>[a-z][a-z' -]*?)(?:\s+(?:today|tomorrow|now|please))?\s*[?.!]*$/i;
// Whole requests as said aloud, for the speech recognizer's constrained decode (see @chorus/local).
const SPOKEN_WEATHER = KNOWN_CITIES.flatMap((city) =>
  ['', 'max ', 'ava '].flatMap((name) => [
    `${name}what's the weather in ${city}`,
    `${name}what is the weather in ${city}`,
  ]),
);
const SPOKEN_GREETINGS = ['hello', 'hello everyone', 'hi everyone', 'hi', 'hey', 'good morning everyone'];
const SPOKEN_JOKES = ['tell me a joke', 'max tell me a joke', 'tell us a joke', 'something funny please'];
const EVERYONE = /\b(?:everyone|everybody|all of you|both of you|you two)\b/i;

/**
 * Addressed agents answer; "everyone" (or "both of you") addresses every agent; a user who names
 * nobody gets the agent that spoke last (the first at the start). An agent passes the word by naming
 * the other one.
 */
export function mentionOrEveryoneFloor(): FloorPolicy {
  const mention = mentionFloor({ fallback: 'last' });
  const everyone = mentionFloor({ fallback: 'all' });
  return {
    name: 'mention-or-everyone',
    select: (context) =>
      context.utterance.speaker.kind === 'user' && EVERYONE.test(context.utterance.text)
        ? everyone.select({ ...context, utterance: { ...context.utterance, text: '' } })
        : mention.select(context),
  };
}

/** Ava's rules: she knows the weather and leaves the jokes to Max. */
export function avaBrain() {
  return rulesBrain({
    intents: [
      {
        name: 'weather',
        match: WEATHER,
        examples: SPOKEN_WEATHER,
        tool: {
          name: 'get_weather',
          args: (match, text) => ({ city: findCity(text) ?? cityName(match?.groups?.city ?? '') }),
        },
      },
      {
        name: 'greeting',
        match: ['hello', 'hi', 'hey'],
        examples: SPOKEN_GREETINGS,
        reply: "Hello! I'm Ava. Ask me about the weather anywhere.",
      },
      {
        name: 'joke',
        match: ['joke', 'funny'],
        examples: SPOKEN_JOKES,
        reply: 'Max, you are the funny one. Your turn.',
      },
    ],
    toolResultReply: voiceAssistantToolReply,
    fallback: "I'm Ava. I can tell you the weather; Max knows the jokes.",
    vocabulary: [...KNOWN_CITIES, 'ava', 'max'],
  });
}

/** Max's rules: he tells jokes and asks Ava about the weather. */
export function maxBrain() {
  return rulesBrain({
    intents: [
      {
        name: 'weather',
        match: WEATHER,
        examples: SPOKEN_WEATHER,
        reply: ({ text, match }) =>
          `Ava, what's the weather in ${findCity(text) ?? cityName(match?.groups?.city ?? 'here')}?`,
      },
      {
        name: 'greeting',
        match: ['hello', 'hi', 'hey'],
        examples: SPOKEN_GREETINGS,
        reply: "Hi, I'm Max. I tell jokes.",
      },
      {
        name: 'joke',
        match: ['joke', 'funny', 'your turn'],
        examples: SPOKEN_JOKES,
        reply: 'Why did the robot go on holiday? It needed to recharge its batteries.',
      },
    ],
    fallback: 'Max here. Ask Ava about the weather, or ask me for a joke.',
    vocabulary: ['ava', 'max', 'joke'],
  });
}

/**
 * Seed 001's two agents talking with the user: Ava (weather, with `get_weather`) and Max (jokes) in a
 * `ChatRoom`. "Hello everyone!" gets an answer from both; "Max, what's the weather in Paris?" makes
 * Max ask Ava, who answers.
 */
export function twoAgents(options: ScenarioOptions = {}): ChatRoom {
  const models = options.model ?? localModels();
  const clock = options.clock ? { clock: options.clock } : {};
  const ava = new RealtimeAgent({
    name: 'Ava',
    instructions:
      'You are Ava, in a room with the user and Max. You answer weather questions with get_weather. ' +
      'When someone wants a joke, pass the word to Max by name. Keep it short.',
    model: models({ agent: 'Ava', brain: avaBrain() }),
    tools: [getWeather],
    ...scenarioVoice(options, 'shimmer'),
    ...clock,
  });
  const max = new RealtimeAgent({
    name: 'Max',
    instructions:
      'You are Max, in a room with the user and Ava. You tell short jokes. For weather questions, ask ' +
      'Ava by name. Keep it short.',
    model: models({ agent: 'Max', brain: maxBrain() }),
    ...scenarioVoice(options, 'echo'),
    ...clock,
  });
  return new ChatRoom({
    agents: [ava, max],
    floor: mentionOrEveryoneFloor(),
    maxAgentTurns: 4,
    clientShaping: options.clientShaping === true,
    ...clock,
  });
}

if (isMainModule(import.meta.url)) {
  await runScenario(twoAgents(), [
    'Hello everyone!',
    "Max, what's the weather in Paris?",
    'Ava, tell me a joke.',
  ]);
}
