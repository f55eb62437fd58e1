/** Escapes text for an XML attribute value. */
function xmlAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * The TwiML that connects a call to a bidirectional Media Stream (`<Connect><Stream>`), passing
 * `parameters` as `<Parameter>` elements: Twilio hands them back in the stream's `start` message as
 * `customParameters` (a Stream URL's query string is not passed on, so this is the only channel).
 */
export function connectStreamTwiml(streamUrl: string, parameters: Readonly<Record<string, string>>): string {
  const params = Object.entries(parameters)
    .map(([name, value]) => `<Parameter name="${xmlAttribute(name)}" value="${xmlAttribute(value)}"/>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<Response><Connect><Stream url="${xmlAttribute(streamUrl)}">${params}</Stream></Connect></Response>`
  );
}
