export { ControlClient, ControlError } from './client.js';
export type { ControlTarget } from './operations.js';
export { CONTROL_DIR, defaultControlPath } from './path.js';
export {
  type ActiveReply,
  type EmptyReply,
  type ErrorReply,
  MAX_INTERVAL_MS,
  MAX_LINE_BYTES,
  MIN_INTERVAL_MS,
  type OkReply,
  type Op,
  type PausedReply,
  type PoliciesReply,
  type RegisterReply,
  type Reply,
  type Request,
  type RequestId,
  type StatsEvent,
  type StatsReply,
  type SubscribeReply,
} from './protocol.js';
export { ControlServer } from './server.js';
export { removeStaleControlSockets, staleControlSockets } from './stale.js';
