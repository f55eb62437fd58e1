import { handoff, RealtimeAgent, tool } from '@chorus/core';
import { type Intent, rulesBrain, spokenDate, spokenTime, type ToolResultContext } from '@chorus/local';
import { z } from 'zod';
import { localModels, type ScenarioOptions, scenarioVoice } from './model-factory.js';
import { isMainModule, runScenario } from './run-scenario.js';
import { speakableTime } from './spoken-time.js';
import { cityName, findCity, KNOWN_CITIES, type Weather, weatherFor } from './weather.js';

// Seed 003: the OpenAI Agents SDK's basic realtime voice agent. An assistant with two function tools
// and a handoff to a billing agent; typed or spoken, offline by default.

export const ASSISTANT_INSTRUCTIONS =
  'You are a helpful voice assistant. Keep answers short. Use get_weather for weather questions and ' +
  'book_appointment to book appointments. When the user needs help with billing, transfer them to billing.';

export const BILLING_INSTRUCTIONS =
  'You are the billing support agent. Help with invoices, balances and payments. Use get_balance to read ' +
  "the user's balance. For anything else, transfer back to the assistant.";

/** `get_weather(city)`: the weather for a city (offline demo data). */
export const getWeather = tool({
  name: 'get_weather',
  description: 'Get the current weather for a city.',
  parameters: z.object({ city: z.string().min(1).describe('The city, e.g. Paris') }),
  execute: ({ city }): Weather => weatherFor(city),
});

/** A booked appointment, as `book_appointment` answers. */
export interface Booking {
  readonly confirmation: string;
  readonly date: string;
  readonly time: string;
  readonly service: string;
}

/** A stable confirmation code for a booking, so the same request reads back the same way. */
export function confirmationCode(date: string, time: string, service: string): string {
  let hash = 7;
  for (const char of `${date}|${time}|${service}`) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `A${100 + (hash % 900)}`;
}

/** `book_appointment(date, time, service)`: books an appointment (a demo: nothing is stored). */
export const bookAppointment = tool({
  name: 'book_appointment',
  description: 'Book an appointment for a service on a date at a time.',
  parameters: z.object({
    date: z.string().min(1).describe('The day: today, tomorrow, a weekday or YYYY-MM-DD'),
    time: z
      .string()
      .regex(/^\d{2}:\d{2}$/, 'expected a time as HH:MM')
      .describe('The time, 24-hour HH:MM'),
    service: z.string().min(1).describe('What the appointment is for, e.g. haircut'),
  }),
  execute: ({ date, time, service }): Booking => ({
    confirmation: confirmationCode(date, time, service),
    date,
    time,
    service,
  }),
});

/** `get_balance()`: the billing agent's tool. */
export const getBalance = tool({
  name: 'get_balance',
  description: "Read the user's current balance and due date.",
  parameters: z.object({}),
  execute: () => ({ balance_due: '42 euros 50', due_date: 'the first of next month' }),
});

const SERVICES = ['haircut', 'dentist', 'checkup', 'consultation', 'massage', 'cleaning'] as const;
const NUMBER_WORD = 'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve';
// A time said or typed: "2pm", "2:30 p.m.", "at two", "two o'clock", "noon".
const TIME_HINT = `(?:\\d{1,2}(?::\\d{2})?\\s*(?:am|pm|a\\.?\\s?m|p\\.?\\s?m)|noon|(?:${NUMBER_WORD})\\s*(?:am|pm|a m|p m|o'?clock)|at\\s+(?:\\d{1,2}|${NUMBER_WORD}))`;

const HOURS = NUMBER_WORD.split('|');
const DAYS = ['today', 'tomorrow'];

/** Whole requests as said aloud, for the speech recognizer's constrained decode (see @chorus/local). */
const spoken = {
  weather: KNOWN_CITIES.flatMap((city) =>
    ["what's the weather in", 'what is the weather in', 'weather in'].flatMap((lead) => [
      `${lead} ${city}`,
      `${lead} ${city} today`,
    ]),
  ),
  book: ['an appointment', ...SERVICES.map((s) => `a ${s}`)].flatMap((what) =>
    DAYS.flatMap((day) =>
      HOURS.flatMap((hour) => [`book ${what} ${day} at ${hour} am`, `book ${what} ${day} at ${hour} pm`]),
    ),
  ),
  billing: [
    'i need help with billing',
    'billing please',
    'i have a question about my invoice',
    'i want a refund',
  ],
  balance: ['how much do i owe', 'what is my balance', "what's my balance"],
  greeting: ['hello', 'hi', 'hey', 'good morning', 'hello everyone'],
  thanks: ['thank you', 'thanks', 'thank you very much'],
};

/** The assistant's and the billing agent's rules: what the local model says and calls, offline. */
export function voiceAssistantIntents(): Intent[] {
  return [
    {
      name: 'weather',
      examples: spoken.weather,
      match:
        /\bweather\b.*?\b(?:in|for|at)\s+(?<city>[a-z][a-z' -]*?)(?:\s+(?:today|tomorrow|now|please))?\s*[?.!]*$/i,
      tool: {
        name: 'get_weather',
        args: (match, text) => ({ city: findCity(text) ?? cityName(match?.groups?.city ?? '') }),
      },
    },
    { name: 'weather-without-city', match: ['weather'], reply: 'Which city would you like the weather for?' },
    {
      name: 'book',
      examples: spoken.book,
      match: new RegExp(`^(?=.*\\b(?:book|schedule|appointment)\\b)(?=.*\\b${TIME_HINT}\\b)`, 'i'),
      tool: {
        name: 'book_appointment',
        args: (_match, text) => ({
          date: spokenDate(text) ?? 'today',
          time: spokenTime(text),
          service: SERVICES.find((s) => text.toLowerCase().includes(s)) ?? 'appointment',
        }),
      },
    },
    {
      name: 'book-without-time',
      match: ['book', 'appointment', 'schedule'],
      reply: 'Sure. For which day and time? For example, tomorrow at 2 PM.',
    },
    {
      name: 'to-billing',
      examples: spoken.billing,
      match: ['billing', 'invoice', 'refund', 'payment', 'charged'],
      reply: 'Let me transfer you to billing.',
      handoff: 'billing',
    },
    {
      name: 'balance',
      examples: spoken.balance,
      match: ['balance', 'owe', 'bill', 'how much'],
      tool: { name: 'get_balance' },
    },
    {
      name: 'back-to-assistant',
      match: ['weather', 'appointment', 'book', 'assistant', 'something else'],
      reply: 'Let me bring the assistant back for that.',
      handoff: 'assistant',
    },
    {
      name: 'greeting',
      examples: spoken.greeting,
      match: ['hello', 'hi', 'hey', 'good morning'],
      reply: 'Hello! How can I help you today?',
    },
    { name: 'thanks', examples: spoken.thanks, match: ['thanks', 'thank you'], reply: "You're welcome!" },
  ];
}

/** What the agent says once a tool answered. */
export function voiceAssistantToolReply(context: ToolResultContext): string {
  const result = context.result;
  const record = result !== null && typeof result === 'object' ? (result as Record<string, unknown>) : {};
  switch (context.name) {
    case 'get_weather':
      if (typeof record.forecast === 'string' && typeof record.city === 'string') {
        return `It is ${record.forecast} and ${record.temperature_c} degrees in ${record.city}.`;
      }
      break;
    case 'book_appointment':
      if (typeof record.confirmation === 'string') {
        const time = typeof record.time === 'string' ? speakableTime(record.time) : '';
        return `Your ${record.service} is booked for ${record.date} at ${time}. Your confirmation is ${record.confirmation}.`;
      }
      break;
    case 'get_balance':
      return `Your balance is ${record.balance_due}, due ${record.due_date}.`;
    case 'transfer_to_billing':
      return 'Hi, this is billing. How can I help with your account?';
    case 'transfer_to_assistant':
      return "Hi again, it's the assistant. What can I do for you?";
  }
  return `Sorry, that did not work: ${context.output}`;
}

/** The rules brain of the voice assistant, with the demo cities as extra recognition vocabulary. */
export function voiceAssistantBrain() {
  return rulesBrain({
    intents: voiceAssistantIntents(),
    toolResultReply: voiceAssistantToolReply,
    fallback: 'Sorry, I can tell you the weather, book an appointment, or put you through to billing.',
    vocabulary: [...KNOWN_CITIES, ...SERVICES, 'billing', 'appointment', 'tomorrow'],
  });
}

/**
 * Seed 003's voice assistant: agent `assistant` with `get_weather(city)` and
 * `book_appointment(date, time, service)`, and a handoff to a `billing` agent ("I need help with
 * billing"), which can hand back.
 */
export function voiceAssistant(options: ScenarioOptions = {}): RealtimeAgent {
  const brain = voiceAssistantBrain();
  const model = (options.model ?? localModels())({ agent: 'assistant', brain });
  const clock = options.clock ? { clock: options.clock } : {};
  const billing: RealtimeAgent = new RealtimeAgent({
    name: 'billing',
    instructions: BILLING_INSTRUCTIONS,
    tools: [getBalance],
    // A fixed tool name: the assistant may be renamed by a client, the brain still calls this.
    handoffs: () => [handoff({ agent: assistant, toolName: 'transfer_to_assistant' })],
    ...scenarioVoice(options, 'verse'),
    ...clock,
  });
  const assistant: RealtimeAgent = new RealtimeAgent({
    name: 'assistant',
    instructions: ASSISTANT_INSTRUCTIONS,
    model,
    tools: [getWeather, bookAppointment],
    handoffs: () => [billing],
    clientShaping: options.clientShaping === true,
    ...scenarioVoice(options, 'alloy'),
    ...clock,
  });
  return assistant;
}

if (isMainModule(import.meta.url)) {
  await runScenario(voiceAssistant(), [
    "What's the weather in Paris?",
    'Book an appointment tomorrow at 2pm',
    'I need help with billing',
    'How much do I owe?',
  ]);
}
