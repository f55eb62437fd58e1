/** WebSocket close codes the gateway uses (RFC 6455 section 7.4.1, plus the 4000-4999 private range). */
export const CloseCode = {
  normal: 1000,
  /** Server shutting down (drain). */
  goingAway: 1001,
  /** A frame that is not what the protocol allows (binary frame with a bad header on a JSON-only route). */
  unsupportedData: 1003,
  /** Flooding, a slow consumer that never catches up, or a session limit. */
  policyViolation: 1008,
  /** A frame over the size limit. */
  messageTooBig: 1009,
  /** The gateway failed on its own. */
  internalError: 1011,
  /** No client message for the idle timeout. */
  idleTimeout: 4000,
  /** The room stopped under the session (a `client_session_end` leaves the socket open). */
  sessionEnded: 4001,
  /** A newer connection to the same `/ws/:userId/:sessionId` took the session over. */
  sessionTakenOver: 4002,
} as const;
